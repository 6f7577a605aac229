import { useEffect, useRef } from "react";

/** What each shortcut does; the help overlay lists the same keys. */
export interface ShortcutActions {
  toggle: () => void;
  seekBy: (deltaMs: number) => void;
  next: () => void;
  previous: () => void;
  volumeBy: (delta: number) => void;
  focusSearch: () => void;
  help: () => void;
}

/** The keys, for the help overlay: [keys, message key]. */
export const SHORTCUTS = [
  ["Space", "shortcuts.toggle"],
  ["← / →", "shortcuts.seek"],
  ["Shift + ← / →", "shortcuts.skip"],
  ["Ctrl + ↑ / ↓", "shortcuts.volume"],
  ["/ · Ctrl + F", "shortcuts.search"],
  ["?", "shortcuts.help"],
  ["Alt + ↑ / ↓", "shortcuts.reorder"],
] as const;

/** Keys typed into a field (or a focused control's own keys) are not shortcuts. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return (
    tag === "INPUT" ||
    tag === "TEXTAREA" ||
    tag === "SELECT" ||
    target.isContentEditable ||
    target.closest("[role=dialog]") !== null
  );
}

/** Decides what a key press means; `null` when it is not a shortcut here. */
export function shortcutFor(
  event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey" | "target">,
): keyof ShortcutActions | "seekBack" | "seekForward" | "volumeUp" | "volumeDown" | null {
  const command = event.ctrlKey || event.metaKey;
  if (command && event.key.toLowerCase() === "f") return "focusSearch";
  if (typing(event.target) || event.altKey) return null;
  const onButton = event.target instanceof HTMLElement && event.target.tagName === "BUTTON";
  switch (event.key) {
    case " ":
      return onButton ? null : "toggle";
    case "/":
      return "focusSearch";
    case "?":
      return "help";
    case "ArrowRight":
      return event.shiftKey ? "next" : command ? null : "seekForward";
    case "ArrowLeft":
      return event.shiftKey ? "previous" : command ? null : "seekBack";
    case "ArrowUp":
      return command ? "volumeUp" : null;
    case "ArrowDown":
      return command ? "volumeDown" : null;
    default:
      return null;
  }
}

const SEEK_STEP_MS = 5_000;
const VOLUME_STEP = 0.1;

/** Listens for the player's keyboard shortcuts anywhere in the window. */
export function useShortcuts(actions: ShortcutActions): void {
  const current = useRef(actions);
  current.current = actions;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const shortcut = shortcutFor(event);
      if (shortcut === null) return;
      event.preventDefault();
      const a = current.current;
      switch (shortcut) {
        case "seekBack":
          return a.seekBy(-SEEK_STEP_MS);
        case "seekForward":
          return a.seekBy(SEEK_STEP_MS);
        case "volumeUp":
          return a.volumeBy(VOLUME_STEP);
        case "volumeDown":
          return a.volumeBy(-VOLUME_STEP);
        case "seekBy":
        case "volumeBy":
          return;
        default:
          return a[shortcut]();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
