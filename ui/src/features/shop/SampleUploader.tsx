import { type FormEvent, useEffect, useId, useState } from "react";
import { ErrorNotice } from "../../components/QueryState";
import { type MessageKey, useI18n } from "../../i18n";
import {
  type ApplicationView,
  listenFileDrops,
  type RefusalKind,
  type UploadRefusal,
  useUploadSample,
} from "../../ipc";
import { PickFilesButton } from "./PickFilesButton";

export const refusalMessages: Record<RefusalKind, MessageKey> = {
  not_audio: "upload.refused.not_audio",
  too_large: "upload.refused.too_large",
  unreadable: "upload.refused.unreadable",
};

/** The last part of a path, whichever separator the system uses. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/**
 * The application's sample: drop an audio file on the window or give its path. Rust streams
 * the file to the server, which decodes all of it; a refusal says why and changes nothing.
 */
export function SampleUploader({ application }: { application: ApplicationView }) {
  const { t } = useI18n();
  const upload = useUploadSample();
  const [path, setPath] = useState("");
  const [hovering, setHovering] = useState(false);
  const [refusal, setRefusal] = useState<{ file: string; refusal: UploadRefusal } | null>(null);
  const [accepted, setAccepted] = useState<string | null>(null);
  const fieldId = useId();
  const hintId = useId();

  const send = (file: string) => {
    const trimmed = file.trim();
    if (!trimmed || upload.isPending) return;
    setRefusal(null);
    setAccepted(null);
    upload.mutate(
      { id: application.id, path: trimmed },
      {
        onSuccess: (result) => {
          if (result.refusal) setRefusal({ file: fileName(trimmed), refusal: result.refusal });
          else setAccepted(fileName(trimmed));
        },
      },
    );
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `send` reads the latest state
  useEffect(
    () =>
      listenFileDrops((paths) => {
        const [first] = paths;
        if (first) {
          setPath(first);
          send(first);
        }
      }, setHovering),
    [application.id],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    event.stopPropagation();
    send(path);
  };

  return (
    <div className="sample-step">
      <h2>{t("shop.sample.title")}</h2>
      <p className="hint">{t("shop.sample.body")}</p>
      <div
        className="drop-zone"
        data-hovering={hovering}
        data-testid="sample-drop-zone"
        aria-describedby={hintId}
      >
        <span className="drop-icon" aria-hidden="true">
          ♪
        </span>
        <p>{t("shop.sample.drop")}</p>
        <p id={hintId} className="hint">
          {t("shop.sample.formats")}
        </p>
        <PickFilesButton
          kind="audio"
          multiple={false}
          label="shop.sample.choose"
          title="shop.sample.chooseTitle"
          testId="pick-sample"
          disabled={upload.isPending}
          onPicked={([first]) => {
            if (first) {
              setPath(first);
              send(first);
            }
          }}
        />
      </div>
      <div className="path-row">
        <label htmlFor={fieldId}>{t("shop.sample.path")}</label>
        <div className="path-input">
          <input
            id={fieldId}
            type="text"
            value={path}
            placeholder="/home/me/Music/song.flac"
            data-testid="sample-path"
            onChange={(event) => setPath(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") submit(event);
            }}
          />
          <button
            type="button"
            className="button secondary"
            data-testid="sample-upload"
            disabled={upload.isPending || path.trim() === ""}
            onClick={() => send(path)}
          >
            {upload.isPending ? t("shop.sample.uploading") : t("shop.sample.upload")}
          </button>
        </div>
      </div>
      {upload.isPending && (
        <div className="upload-progress">
          <div
            className="progress"
            data-state="indeterminate"
            role="progressbar"
            aria-label={t("shop.sample.checking", { file: fileName(path) })}
          >
            <div className="progress-fill" style={{ width: "100%" }} />
          </div>
          <p className="hint">{t("shop.sample.checking", { file: fileName(path) })}</p>
        </div>
      )}
      <div aria-live="polite">
        {refusal && (
          <div className="notice error" role="alert" data-testid="sample-refused">
            <strong>{t(refusalMessages[refusal.refusal.kind], { file: refusal.file })}</strong>
            <span className="hint">{refusal.refusal.detail}</span>
            <span className="hint">
              {application.has_sample ? t("shop.sample.keptOld") : t("shop.sample.nothingKept")}
            </span>
          </div>
        )}
        {accepted && (
          <p className="notice ok" data-testid="sample-accepted">
            {t("shop.sample.accepted", { file: accepted })}
          </p>
        )}
        {!accepted && !refusal && application.has_sample && (
          <p className="notice ok" data-testid="sample-present">
            {t("shop.sample.present")}
          </p>
        )}
      </div>
      {upload.isError && <ErrorNotice error={upload.error} />}
    </div>
  );
}
