import { ErrorNotice } from "../../components/QueryState";
import { useSystemDialog } from "../../components/useSystemDialog";
import { type MessageKey, useI18n } from "../../i18n";
import { type PickKind, pickFiles } from "../../ipc";

const filterNames: Record<PickKind, MessageKey> = {
  audio: "pick.filter.audio",
  image: "pick.filter.image",
};

/**
 * Opens the system's file dialog and hands the chosen paths to `onPicked`, exactly as a drop
 * or a typed path would; cancelling does nothing. A dialog that cannot open says why.
 */
export function PickFilesButton({
  kind,
  multiple,
  label,
  title,
  disabled = false,
  testId,
  onPicked,
}: {
  kind: PickKind;
  multiple: boolean;
  label: MessageKey;
  title: MessageKey;
  disabled?: boolean;
  testId: string;
  onPicked: (paths: string[]) => void;
}) {
  const { t } = useI18n();
  const { open, error, choose } = useSystemDialog(
    () => pickFiles(kind, { multiple, title: t(title), filterName: t(filterNames[kind]) }),
    (paths) => {
      if (paths.length > 0) onPicked(paths);
    },
  );

  return (
    <>
      <button
        type="button"
        className="button secondary"
        data-testid={testId}
        disabled={disabled || open}
        onClick={choose}
      >
        {t(label)}
      </button>
      {error !== null && <ErrorNotice error={error} message={t("pick.failed")} />}
    </>
  );
}
