/** Adds a background task to a set it leaves once settled (what drops, checkpoints and close wait for). */
export function track(set: Set<Promise<void>>, p: Promise<void>): void {
  set.add(p);
  void p.finally(() => set.delete(p));
}

/** Resolves once every promise now in the sets has settled. */
export async function settled(...sets: Set<Promise<unknown>>[]): Promise<void> {
  await Promise.allSettled(sets.flatMap((set) => [...set]));
}
