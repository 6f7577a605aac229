import { type ReactNode, useState } from "react";
import { useI18n } from "../../i18n";

/**
 * A list whose entries move by drag and drop, or from the keyboard with each entry's
 * move-up and move-down buttons (Alt+↑ / Alt+↓ on a focused entry).
 */
export function ReorderList<T>({
  items,
  keyOf,
  render,
  onMove,
  label,
  testId,
  itemTestId,
  currentIndex,
}: {
  items: readonly T[];
  keyOf: (item: T, index: number) => string;
  render: (item: T, index: number) => ReactNode;
  onMove: (from: number, to: number) => void;
  label: string;
  testId?: string;
  itemTestId?: string;
  currentIndex?: number | null;
}) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const move = (from: number, to: number) => {
    if (to < 0 || to >= items.length || from === to) return;
    onMove(from, to);
  };
  return (
    <ol className="reorder-list" aria-label={label} data-testid={testId}>
      {items.map((item, index) => (
        <li
          key={keyOf(item, index)}
          className={[
            "reorder-item",
            index === currentIndex ? "current" : "",
            index === over && dragging !== null ? "drop-target" : "",
          ].join(" ")}
          data-testid={itemTestId}
          aria-current={index === currentIndex ? "true" : undefined}
          draggable
          onDragStart={(event) => {
            setDragging(index);
            event.dataTransfer.effectAllowed = "move";
            event.dataTransfer.setData("text/plain", String(index));
          }}
          onDragOver={(event) => {
            event.preventDefault();
            setOver(index);
          }}
          onDragEnd={() => {
            setDragging(null);
            setOver(null);
          }}
          onDrop={(event) => {
            event.preventDefault();
            const from = dragging ?? Number(event.dataTransfer.getData("text/plain"));
            setDragging(null);
            setOver(null);
            if (Number.isInteger(from)) move(from, index);
          }}
          onKeyDown={(event) => {
            if (!event.altKey) return;
            if (event.key === "ArrowUp") move(index, index - 1);
            else if (event.key === "ArrowDown") move(index, index + 1);
            else return;
            event.preventDefault();
          }}
        >
          <span className="drag-handle" aria-hidden="true">
            ⠿
          </span>
          <div className="reorder-content">{render(item, index)}</div>
          <button
            type="button"
            className="icon-button"
            data-testid="move-up"
            aria-label={t("reorder.up")}
            disabled={index === 0}
            onClick={() => move(index, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="move-down"
            aria-label={t("reorder.down")}
            disabled={index === items.length - 1}
            onClick={() => move(index, index + 1)}
          >
            ↓
          </button>
        </li>
      ))}
    </ol>
  );
}
