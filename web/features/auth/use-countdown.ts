import { useEffect, useState } from 'react';

/** Seconds left until `until` (epoch ms), ticking every second; 0 once passed or when `until` is null. */
export function useCountdown(until: number | null): number {
  const remaining = () => (until === null ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(remaining);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `remaining` only depends on `until`
  useEffect(() => {
    setSeconds(remaining());
    if (until === null) return;
    const timer = setInterval(() => {
      const left = remaining();
      setSeconds(left);
      if (left === 0) clearInterval(timer);
    }, 1_000);
    return () => clearInterval(timer);
  }, [until]);
  return seconds;
}
