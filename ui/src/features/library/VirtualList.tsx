import { type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

/** Rows drawn above and below the visible ones, so a fast scroll shows no blank. */
const OVERSCAN = 8;

/**
 * A list of `count` rows of fixed height that renders only the rows in view: the scroll
 * area is sized for every row and the few visible ones are placed at their offset. Smooth
 * at 100,000 rows. Reports the rows in view so their data can be fetched. Give another list
 * in the same place (another search or order) another React `key`, so it starts at its top.
 */
export function VirtualList({
  count,
  rowHeight,
  renderRow,
  onRangeChange,
  label,
  testId,
  header,
}: {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ReactNode;
  onRangeChange?: (first: number, last: number) => void;
  label: string;
  testId?: string;
  header?: ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const measure = () => setHeight(element.clientHeight || 600);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Fewer rows: the browser clamps the offset, without always telling the list.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the count changes.
  useLayoutEffect(() => {
    setScrollTop(scroller.current?.scrollTop ?? 0);
  }, [count]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(count - 1, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  useEffect(() => {
    onRangeChange?.(first, Math.max(first, last));
  }, [first, last, onRangeChange]);

  const onScroll = useCallback(() => {
    setScrollTop(scroller.current?.scrollTop ?? 0);
  }, []);

  const rows: ReactNode[] = [];
  for (let index = first; index <= last; index += 1) {
    rows.push(
      <li
        key={index}
        aria-setsize={count}
        aria-posinset={index + 1}
        className="virtual-row"
        style={{ top: index * rowHeight, height: rowHeight }}
      >
        {renderRow(index)}
      </li>,
    );
  }
  return (
    <div ref={scroller} className="virtual-list" data-testid={testId} onScroll={onScroll}>
      {header}
      <ul className="virtual-body" aria-label={label} style={{ height: count * rowHeight }}>
        {rows}
      </ul>
    </div>
  );
}
