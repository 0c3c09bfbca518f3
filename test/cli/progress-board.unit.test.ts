import { expect, it } from 'vitest';
import { progressBar, ProgressBoard } from '../../cli/progress-board.js';

it('draws a bar of the fraction done, clamped, with the whole percent', () => {
  expect(progressBar(0, 10)).toBe('[----------]   0%');
  expect(progressBar(0.456, 10)).toBe('[#####-----]  45%');
  expect(progressBar(1, 10)).toBe('[##########] 100%');
  expect(progressBar(2, 10)).toBe('[##########] 100%');
  expect(progressBar(Number.NaN, 10)).toBe('[----------]   0%');
});

it('writes each new state of the block once when not on a terminal', () => {
  const lines: string[] = [];
  const board = new ProgressBoard((l) => lines.push(l), undefined);
  board.draw(['a 10%', 'b 0%']);
  board.draw(['a 10%', 'b 0%']);
  board.draw(['a 100%', 'b 50%']);
  expect(lines).toEqual(['a 10%', 'b 0%', 'a 100%', 'b 50%']);
});

it('redraws the block in place on a terminal', () => {
  let screen = '';
  const board = new ProgressBoard(
    () => {
      throw new Error('lines go to the terminal');
    },
    { write: (t) => (screen += t) },
  );
  board.draw(['a 10%', 'b 0%']);
  board.draw(['a 100%', 'b 50%']);
  expect(screen).toBe('a 10%\nb 0%\n\x1b[2A\x1b[Ja 100%\nb 50%\n');
});
