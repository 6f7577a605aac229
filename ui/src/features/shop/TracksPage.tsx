import { useId, useState } from "react";
import { Link } from "react-router";
import { formatFen } from "../../app/format";
import { paths } from "../../app/paths";
import { Dialog } from "../../components/Dialog";
import { EmptyState } from "../../components/EmptyState";
import { Page } from "../../components/Page";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import {
  type ShopKindView,
  type TrackEdit,
  type TrackView,
  useBackendStatus,
  useEditTrack,
  useMyTracks,
  useSetTrackCover,
  useShop,
} from "../../ipc";
import { PickFilesButton } from "./PickFilesButton";
import { parseYuan, yuanText } from "./price";
import { TrackUploader } from "./TrackUploader";
import "./shop.css";

/** The shop's back office: upload tracks, edit them, set prices, take them off sale. */
export function TracksPage() {
  const { t } = useI18n();
  const user = useBackendStatus().data?.user ?? null;
  const shopId = user?.shop_id ?? null;
  const tracks = useMyTracks(shopId);
  const shop = useShop(shopId ?? "");
  const kind = shop.data?.shop.kind ?? "independent";
  const [editing, setEditing] = useState<TrackView | null>(null);

  if (!shopId) {
    return (
      <Page title={t("tracks.title")} testId="tracks-page">
        <EmptyState
          title={t("dashboard.empty.title")}
          action={
            <Link className="button primary" to={paths.openShop}>
              {t("dashboard.empty.action")}
            </Link>
          }
        >
          {t("dashboard.empty.body")}
        </EmptyState>
      </Page>
    );
  }

  return (
    <Page
      title={t("tracks.title")}
      lead={t("tracks.lead")}
      testId="tracks-page"
      actions={
        <Link className="button secondary" to={paths.dashboard}>
          {t("tracks.toDashboard")}
        </Link>
      }
    >
      <TrackUploader />
      {kind === "label" && (
        <p className="notice warn" data-testid="label-price-note">
          {t("tracks.labelPrice")}
        </p>
      )}
      <section className="card" aria-labelledby="my-tracks">
        <h2 id="my-tracks">{t("tracks.list")}</h2>
        {tracks.isPending ? (
          <Loading rows={4} />
        ) : tracks.isError ? (
          <ErrorNotice error={tracks.error} onRetry={() => tracks.refetch()} />
        ) : tracks.data.length === 0 ? (
          <p className="muted">{t("dashboard.tracks.empty")}</p>
        ) : (
          <TrackTable tracks={tracks.data} onEdit={setEditing} />
        )}
      </section>
      {editing && <EditTrackDialog track={editing} kind={kind} onClose={() => setEditing(null)} />}
    </Page>
  );
}

function TrackTable({
  tracks,
  onEdit,
}: {
  tracks: readonly TrackView[];
  onEdit: (track: TrackView) => void;
}) {
  const { t } = useI18n();
  const edit = useEditTrack();
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="my-tracks">
        <thead>
          <tr>
            <th scope="col">{t("dashboard.col.track")}</th>
            <th scope="col">{t("tracks.col.state")}</th>
            <th scope="col" className="num">
              {t("tracks.col.price")}
            </th>
            <th scope="col">
              <span className="visually-hidden">{t("tracks.col.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tracks.map((track) => (
            <tr key={track.id} data-testid="my-track" data-track-id={track.id}>
              <th scope="row">
                {track.title}
                <span className="muted small"> · {track.artists}</span>
              </th>
              <td>
                {!track.has_audio
                  ? t("tracks.state.noAudio")
                  : track.published
                    ? t("tracks.state.onSale")
                    : t("tracks.state.hidden")}
              </td>
              <td className="num">
                {track.price === 0 ? t("price.free") : formatFen(track.price)}
              </td>
              <td className="actions">
                <button
                  type="button"
                  className="button secondary small"
                  data-testid="edit-track"
                  onClick={() => onEdit(track)}
                >
                  {t("tracks.edit")}
                </button>
                <button
                  type="button"
                  className="button secondary small"
                  data-testid="toggle-published"
                  disabled={edit.isPending}
                  onClick={() =>
                    edit.mutate({ id: track.id, edit: blankEdit({ published: !track.published }) })
                  }
                >
                  {track.published ? t("tracks.unpublish") : t("tracks.publish")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {edit.isError && <ErrorNotice error={edit.error} />}
    </div>
  );
}

function blankEdit(overrides: Partial<TrackEdit>): TrackEdit {
  return {
    title: null,
    artists: null,
    genre: null,
    price: null,
    lyrics: null,
    published: null,
    ...overrides,
  };
}

function EditTrackDialog({
  track,
  kind,
  onClose,
}: {
  track: TrackView;
  kind: ShopKindView;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const edit = useEditTrack();
  const cover = useSetTrackCover();
  const [title, setTitle] = useState(track.title);
  const [artists, setArtists] = useState(track.artists);
  const [genre, setGenre] = useState(track.genre);
  const [price, setPrice] = useState(yuanText(track.price));
  const [lyrics, setLyrics] = useState(track.lyrics ?? "");
  const [coverPath, setCoverPath] = useState("");
  const ids = {
    title: useId(),
    artists: useId(),
    genre: useId(),
    price: useId(),
    lyrics: useId(),
    cover: useId(),
  };
  const fen = parseYuan(price);
  const priceInvalid = kind === "independent" && fen === null;

  return (
    <Dialog
      title={t("tracks.editTitle", { title: track.title })}
      onClose={onClose}
      testId="edit-track-dialog"
    >
      <form
        className="form track-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (priceInvalid) return;
          edit.mutate(
            {
              id: track.id,
              edit: blankEdit({
                title,
                artists,
                genre,
                lyrics,
                price: kind === "independent" ? fen : null,
              }),
            },
            { onSuccess: onClose },
          );
        }}
      >
        <label htmlFor={ids.title}>{t("tracks.field.title")}</label>
        <input
          id={ids.title}
          type="text"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <label htmlFor={ids.artists}>{t("tracks.field.artists")}</label>
        <input
          id={ids.artists}
          type="text"
          value={artists}
          onChange={(e) => setArtists(e.target.value)}
        />
        <label htmlFor={ids.genre}>{t("tracks.field.genre")}</label>
        <input
          id={ids.genre}
          type="text"
          value={genre}
          onChange={(e) => setGenre(e.target.value)}
        />
        <label htmlFor={ids.price}>{t("tracks.field.price")}</label>
        {kind === "independent" ? (
          <>
            <input
              id={ids.price}
              type="text"
              inputMode="decimal"
              value={price}
              aria-invalid={priceInvalid}
              aria-describedby={`${ids.price}-hint`}
              data-testid="track-price"
              onChange={(e) => setPrice(e.target.value)}
            />
            <p id={`${ids.price}-hint`} className={priceInvalid ? "form-error" : "hint"}>
              {t("tracks.price.hint")}
            </p>
          </>
        ) : (
          <p id={ids.price} className="hint" data-testid="track-price-fixed">
            {formatFen(track.price)} · {t("tracks.labelPrice")}
          </p>
        )}
        <label htmlFor={ids.lyrics}>{t("tracks.field.lyrics")}</label>
        <textarea
          id={ids.lyrics}
          rows={5}
          value={lyrics}
          placeholder="[00:12.00]…"
          onChange={(e) => setLyrics(e.target.value)}
        />
        <label htmlFor={ids.cover}>{t("tracks.field.cover")}</label>
        <div className="path-input">
          <input
            id={ids.cover}
            type="text"
            value={coverPath}
            placeholder="/home/me/Pictures/cover.png"
            onChange={(e) => setCoverPath(e.target.value)}
          />
          <PickFilesButton
            kind="image"
            multiple={false}
            label="tracks.cover.choose"
            title="tracks.cover.chooseTitle"
            testId="pick-cover"
            disabled={cover.isPending}
            onPicked={([first]) => {
              if (first) {
                setCoverPath(first);
                cover.mutate({ id: track.id, path: first });
              }
            }}
          />
          <button
            type="button"
            className="button secondary"
            disabled={cover.isPending || coverPath.trim() === ""}
            onClick={() => cover.mutate({ id: track.id, path: coverPath.trim() })}
          >
            {t("tracks.cover.set")}
          </button>
        </div>
        {cover.isSuccess && <p className="ok-text small">{t("tracks.cover.done")}</p>}
        {cover.isError && <ErrorNotice error={cover.error} />}
        {edit.isError && <ErrorNotice error={edit.error} />}
        <div className="button-row end">
          <button type="button" className="button secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button primary" disabled={edit.isPending}>
            {t("tracks.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
