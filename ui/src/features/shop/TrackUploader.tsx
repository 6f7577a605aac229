import { useEffect, useId, useState } from "react";
import { ErrorNotice } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import { listenFileDrops, type TrackUpload, useUploadProgress, useUploadTracks } from "../../ipc";
import { PickFilesButton } from "./PickFilesButton";
import { fileName, refusalMessages } from "./SampleUploader";

/**
 * New tracks from local files: drop several on the window or list their paths. Each file
 * gets its own progress bar, then its own result: the new track, or why it was refused.
 */
export function TrackUploader() {
  const { t } = useI18n();
  const upload = useUploadTracks();
  const progress = useUploadProgress().data ?? {};
  const [text, setText] = useState("");
  const [hovering, setHovering] = useState(false);
  const [files, setFiles] = useState<string[]>([]);
  const [results, setResults] = useState<TrackUpload[]>([]);
  const fieldId = useId();

  const send = (paths: string[]) => {
    const chosen = paths.map((path) => path.trim()).filter(Boolean);
    if (chosen.length === 0 || upload.isPending) return;
    setFiles(chosen);
    setResults([]);
    upload.mutate(chosen, { onSuccess: setResults });
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `send` reads the latest state
  useEffect(() => listenFileDrops(send, setHovering), []);

  return (
    <section className="card track-uploader" aria-labelledby="upload-tracks">
      <h2 id="upload-tracks">{t("tracks.upload.title")}</h2>
      <div className="drop-zone" data-hovering={hovering} data-testid="tracks-drop-zone">
        <span className="drop-icon" aria-hidden="true">
          ♫
        </span>
        <p>{t("tracks.upload.drop")}</p>
        <p className="hint">{t("tracks.upload.check")}</p>
        <PickFilesButton
          kind="audio"
          multiple
          label="tracks.upload.choose"
          title="tracks.upload.chooseTitle"
          testId="pick-tracks"
          disabled={upload.isPending}
          onPicked={(paths) => {
            setText(paths.join("\n"));
            send(paths);
          }}
        />
      </div>
      <div className="path-row">
        <label htmlFor={fieldId}>{t("tracks.upload.paths")}</label>
        <textarea
          id={fieldId}
          rows={3}
          value={text}
          placeholder={"/home/me/Music/one.flac\n/home/me/Music/two.wav"}
          data-testid="track-paths"
          onChange={(event) => setText(event.target.value)}
        />
        <div className="button-row">
          <button
            type="button"
            className="button primary"
            data-testid="upload-tracks"
            disabled={upload.isPending || text.trim() === ""}
            onClick={() => send(text.split("\n"))}
          >
            {upload.isPending ? t("shop.sample.uploading") : t("tracks.upload.button")}
          </button>
        </div>
      </div>
      {files.length > 0 && (
        <ul className="upload-list" aria-label={t("tracks.upload.files")}>
          {files.map((file) => {
            const result = results.find((entry) => entry.file === file);
            const percent = uploadPercent(progress[file], result);
            return (
              <li
                key={file}
                className="upload-item"
                data-testid="upload-item"
                data-state={result ? (result.track ? "done" : "refused") : "sending"}
              >
                <span className="upload-name">{fileName(file)}</span>
                {!result?.refusal && (
                  <div
                    className="progress"
                    data-state={percent === 100 ? "done" : "sending"}
                    data-testid="upload-progress"
                    role="progressbar"
                    aria-label={t("tracks.upload.progress", { file: fileName(file) })}
                    aria-valuemin={0}
                    aria-valuemax={100}
                    aria-valuenow={percent}
                  >
                    <div className="progress-fill" style={{ width: `${percent}%` }} />
                  </div>
                )}
                {result?.track && (
                  <span className="ok-text small">
                    {t("tracks.upload.done", { title: result.track.title })}
                  </span>
                )}
                {result?.refusal && (
                  <span className="upload-refusal" role="alert" data-testid="upload-refused">
                    <strong>
                      {t(refusalMessages[result.refusal.kind], { file: fileName(file) })}
                    </strong>{" "}
                    <span className="hint">{result.refusal.detail}</span>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {upload.isError && <ErrorNotice error={upload.error} />}
    </section>
  );
}

/**
 * How full a file's bar is: 100 once its bytes are all sent or its track exists, however the
 * last progress event rounded; otherwise the share sent so far, never quite 100.
 */
export function uploadPercent(
  sent: { sent: number; total: number } | undefined,
  result: TrackUpload | undefined,
): number {
  if (result?.track) return 100;
  if (!sent || sent.total <= 0) return 0;
  if (sent.sent >= sent.total) return 100;
  return Math.min(99, Math.floor((sent.sent * 100) / sent.total));
}
