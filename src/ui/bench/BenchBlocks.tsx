import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { benchLines, type Line, type LiveBench } from '../bench-view.js';

/** One line of segments, coloured unless `color` is off. */
export function StyledLine({ line, color }: { line: Line; color: boolean }): ReactElement {
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text
          key={i}
          {...(color && s.color && { color: s.color })}
          {...(color && s.dim && { dimColor: true })}
          {...(s.bold && { bold: true })}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/**
 * The benchmarks running now, each as its live block, in at most `rows` lines: blocks that do not fit show
 * their progress line only, so the frame never outgrows the terminal.
 */
export function BenchBlocks({
  benches,
  now,
  width,
  rows,
  color,
}: {
  benches: readonly LiveBench[];
  now: number;
  width: number;
  rows: number;
  color: boolean;
}): ReactElement {
  const blocks = benches.map((b) => benchLines(b, now, width));
  const shown: Line[][] = [];
  let left = rows;
  blocks.forEach((lines, i) => {
    const rest = blocks.length - i - 1;
    const full = lines.length <= left - rest;
    const take = full ? lines : lines.slice(0, 1);
    shown.push(take);
    left -= take.length;
  });
  return (
    <Box flexDirection="column">
      {shown.flat().map((line, i) => (
        <StyledLine key={i} line={line} color={color} />
      ))}
    </Box>
  );
}
