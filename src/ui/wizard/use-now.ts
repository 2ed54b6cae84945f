import { useEffect, useState } from 'react';

/** The current time, refreshed every `ms` while the component is mounted (for spinners and elapsed times). */
export function useNow(ms = 100): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner's frame at `now`. */
export const spinnerAt = (now: number) => FRAMES[Math.floor(now / 100) % FRAMES.length]!;
