import { TestCluster } from '../harness/cluster.js';

/**
 * The cluster the framework tests point their clients at: a writer sealing every `sealRows`
 * rows, two reader groups of one reader each (g1, g2) and a coordinator, whose gRPC address is
 * the one address a framework is given.
 */
export async function startTwoGroupCluster(sealRows: number): Promise<TestCluster> {
  const cluster = new TestCluster();
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    sealRows,
  );
  return cluster;
}

/**
 * Waits until readers hold all `segments` sealed segments of `collection` and each group holds
 * some, so a search is answered by both groups and merged by the coordinator. Placement
 * balances rows over every collection a group serves, so a collection tested alone (the one
 * before it dropped) with two equal segments is always split: neither group has room for both.
 */
export function untilBothGroupsServe(cluster: TestCluster, collection: string, segments: number): Promise<void> {
  return cluster.until(`both reader groups serve the ${segments} segments of ${collection}`, async () => {
    const held = [...(await cluster.holdings(collection)).values()];
    return held.length === 2 && held.every((ids) => ids.length > 0) && new Set(held.flat()).size === segments;
  });
}
