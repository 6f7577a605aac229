import { useState } from "react";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { useAddFolder, useLibraryFolders, useScanProgress, useUnreadable } from "../../ipc";

/** Music folders (add one: it is scanned with progress, then watched) and unreadable files. */
export function FoldersView() {
  const { t } = useI18n();
  const folders = useLibraryFolders();
  const add = useAddFolder();
  const progress = useScanProgress();
  const unreadable = useUnreadable();
  const [path, setPath] = useState("");
  const scan = progress.data;

  return (
    <div className="folders-view">
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate(path.trim());
        }}
      >
        <input
          data-testid="folder-path"
          aria-label={t("folders.path")}
          placeholder={t("folders.path.placeholder")}
          value={path}
          onChange={(event) => setPath(event.target.value)}
        />
        <button
          type="submit"
          className="button primary"
          data-testid="folder-add"
          disabled={!path.trim() || add.isPending}
        >
          {t("folders.add")}
        </button>
      </form>
      {add.isPending && (
        <div className="scan-progress" role="status" data-testid="scan-progress">
          <progress max={scan?.total || 1} value={scan?.done ?? 0} />
          <span>
            {scan
              ? t("folders.scanning", { done: scan.done, total: scan.total })
              : t("folders.scanning.start")}
          </span>
        </div>
      )}
      {add.data && (
        <p className="hint" role="status" data-testid="scan-done">
          {t("folders.scanned", {
            added: add.data.added,
            updated: add.data.updated,
            unreadable: add.data.unreadable,
          })}
        </p>
      )}
      {add.error && <ErrorNotice error={add.error} />}
      <h2 className="section-title">{t("folders.title")}</h2>
      {folders.isPending ? (
        <Loading rows={2} />
      ) : folders.error ? (
        <ErrorNotice error={folders.error} onRetry={() => void folders.refetch()} />
      ) : folders.data.length === 0 ? (
        <p className="hint">{t("folders.none")}</p>
      ) : (
        <ul className="plain-list" data-testid="folder-list">
          {folders.data.map((folder) => (
            <li key={folder} className="mono">
              {folder}
            </li>
          ))}
        </ul>
      )}
      <h2 className="section-title">{t("unreadable.title")}</h2>
      {unreadable.isPending ? (
        <Loading rows={2} />
      ) : unreadable.error ? (
        <ErrorNotice error={unreadable.error} onRetry={() => void unreadable.refetch()} />
      ) : unreadable.data.length === 0 ? (
        <p className="hint">{t("unreadable.none")}</p>
      ) : (
        <table className="unreadable-table" data-testid="unreadable-list">
          <thead>
            <tr>
              <th scope="col">{t("unreadable.file")}</th>
              <th scope="col">{t("unreadable.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {unreadable.data.map((file) => (
              <tr key={file.path} data-testid="unreadable-row">
                <td className="mono">{file.path}</td>
                <td>{file.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
