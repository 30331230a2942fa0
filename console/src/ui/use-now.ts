import { useEffect, useState } from "preact/hooks";

/** The current time, renewed every `everyMs`, for ages that should keep counting while the page is open. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
