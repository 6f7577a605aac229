import { useState } from "react";

/**
 * A system dialog (open or save) opened from a button: `choose` opens it and hands what was
 * chosen to `onChosen`; `open` is true while it shows (the button waits), `error` says why it
 * could not open.
 */
export function useSystemDialog<T>(pick: () => Promise<T>, onChosen: (chosen: T) => void) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const choose = () => {
    setError(null);
    setOpen(true);
    pick()
      .then(onChosen)
      .catch((failure: unknown) => setError(failure))
      .finally(() => setOpen(false));
  };
  return { open, error, choose };
}
