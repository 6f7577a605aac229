import { useState } from "react";
import { Dialog } from "../../components/Dialog";
import { ErrorNotice, Loading } from "../../components/QueryState";
import { useI18n } from "../../i18n";
import {
  type LibraryTrackView,
  useAddToPlaylist,
  useCreatePlaylist,
  usePlaylists,
} from "../../ipc";

/** Puts one track into a playlist, or into a new one named here. */
export function AddToPlaylist({
  track,
  onClose,
}: {
  track: LibraryTrackView;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const playlists = usePlaylists();
  const add = useAddToPlaylist();
  const create = useCreatePlaylist();
  const [name, setName] = useState("");
  const error = add.error ?? create.error;
  return (
    <Dialog
      title={t("playlist.addTitle", { title: track.title })}
      onClose={onClose}
      testId="add-to-playlist"
    >
      {playlists.isPending ? (
        <Loading rows={2} />
      ) : playlists.error ? (
        <ErrorNotice error={playlists.error} onRetry={() => void playlists.refetch()} />
      ) : (
        <ul className="plain-list">
          {playlists.data.map((playlist) => (
            <li key={playlist.id}>
              <button
                type="button"
                className="button secondary"
                data-testid="add-to-existing"
                onClick={() =>
                  add.mutate({ id: playlist.id, trackIds: [track.id] }, { onSuccess: onClose })
                }
              >
                {playlist.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, trackIds: [track.id] }, { onSuccess: onClose });
        }}
      >
        <input
          data-testid="new-playlist-name"
          aria-label={t("playlist.name")}
          placeholder={t("playlist.name")}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="button primary" data-testid="create-playlist-with-track">
          {t("playlist.create")}
        </button>
      </form>
      {error && <ErrorNotice error={error} />}
    </Dialog>
  );
}
