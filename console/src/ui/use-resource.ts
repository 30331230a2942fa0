import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { toProblem, type Problem } from "../api/problem";

export interface Resource<T> {
  data: T | null;
  problem: Problem | null;
  loading: boolean;
  reload: () => void;
}

/** Loads on mount and whenever `keys` change; an answer that arrives after a newer request is dropped. */
export function useResource<T>(load: () => Promise<T>, keys: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | null; problem: Problem | null; loading: boolean }>({ data: null, problem: null, loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const ticket = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    load().then(
      (data) => ticket === latest.current && setState({ data, problem: null, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ data: null, problem: toProblem(error), loading: false }),
    );
  }, [...keys, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, reload };
}

export interface Action {
  busy: boolean;
  problem: Problem | null;
  /** Runs the work; true when it succeeded. */
  run: (work: () => Promise<unknown>) => Promise<boolean>;
  clear: () => void;
}

/** A user-triggered change: busy while it runs, the gateway's problem when it fails. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await work();
      return true;
    } catch (error) {
      setProblem(toProblem(error));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run, clear: () => setProblem(null) };
}
