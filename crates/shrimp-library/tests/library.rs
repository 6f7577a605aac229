//! Black-box tests of the library: real SQLite files in temp folders, real audio generated
//! with sox and ffmpeg, a real folder watcher and a real HTTP server on loopback.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use shrimp_domain::{OrderId, ShopId, TrackId};
use shrimp_library::{
    DownloadError, DownloadEvent, DownloadOptions, DownloadRequest, KnownNames, Library,
    LibraryError, LibraryPaths, Provenance, ScanOptions, ScanProgressed, TrackStatus, WatchEvent,
};
use support::{FORMATS, SUNNY, Script, Tags};
use tempfile::TempDir;

async fn open(data: &TempDir) -> Library {
    Library::open(&LibraryPaths::in_dir(&data.path().join("data")))
        .await
        .unwrap()
}

fn music(data: &TempDir) -> PathBuf {
    let dir = data.path().join("music");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn scan(library: &Library, root: &Path) -> shrimp_library::ScanReport {
    library
        .scan_folders(&[root.to_owned()], &ScanOptions::default(), |_| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn scan_reads_tags_and_durations_of_each_format() {
    let data = TempDir::new().unwrap();
    let root = music(&data);
    for (ext, _) in FORMATS {
        support::tagged(ext, &SUNNY, &root.join(format!("sunny.{ext}")));
    }
    let library = open(&data).await;
    let report = scan(&library, &root).await;
    assert_eq!(report.added, 5, "{report:?}");
    assert!(report.unreadable.is_empty(), "{:?}", report.unreadable);

    for (ext, _) in FORMATS {
        let t = library
            .track_at(&root.join(format!("sunny.{ext}")))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, TrackStatus::Ok, "{ext}");
        assert_eq!(t.title, "晴天 Sunny", "{ext}");
        assert_eq!(t.artist.as_deref(), Some("周杰伦"), "{ext}");
        assert_eq!(t.album.as_deref(), Some("叶惠美"), "{ext}");
        assert_eq!(t.track_no, Some(3), "{ext}");
        assert_eq!(t.sample_rate, Some(44_100), "{ext}");
        assert_eq!(t.channels, Some(2), "{ext}");
        let ms = t.duration_ms.unwrap();
        assert!((1950..=2100).contains(&ms), "{ext}: {ms} ms");
        // The scan reads some streams' properties itself (Vorbis): exactly what lofty finds.
        let lofty = lofty::read_from_path(root.join(format!("sunny.{ext}"))).unwrap();
        let properties = lofty::file::AudioFile::properties(&lofty);
        assert_eq!(
            (Some(ms), t.sample_rate, t.channels),
            (
                u64::try_from(properties.duration().as_millis()).ok(),
                properties.sample_rate(),
                properties.channels()
            ),
            "{ext}: the scan and lofty differ"
        );
        if ext != &"wav" {
            // RIFF INFO has no album-artist, genre or year fields that ffmpeg fills.
            assert_eq!(t.album_artist.as_deref(), Some("Jay Chou"), "{ext}");
            assert_eq!(t.genre.as_deref(), Some("Mandopop"), "{ext}");
            assert_eq!(t.year, Some(2003), "{ext}");
        }
    }
    let albums = library.albums().await.unwrap();
    assert_eq!(albums.len(), 2, "{albums:?}"); // WAV has no album artist, so its own album
    assert!(
        library
            .artists()
            .await
            .unwrap()
            .contains(&"周杰伦".to_owned())
    );
}

#[tokio::test]
async fn scan_of_two_thousand_files_with_broken_ones_finishes_and_reports_each() {
    let data = TempDir::new().unwrap();
    let root = music(&data);
    let mut bad = Vec::new();
    let mut good = 0u64;
    for (ext, _) in FORMATS {
        let dir = root.join(ext);
        let first = dir.join(format!("good-0.{ext}"));
        support::tagged(ext, &SUNNY, &first);
        for i in 1..392 {
            std::fs::copy(&first, dir.join(format!("good-{i}.{ext}"))).unwrap();
        }
        good += 392;
        for (i, fraction) in [0.3, 0.6, 0.9].into_iter().enumerate() {
            let p = dir.join(format!("truncated-{i}.{ext}"));
            std::fs::copy(&first, &p).unwrap();
            support::truncate(&p, fraction);
            bad.push(p);
        }
        let p = dir.join(format!("garbage-head.{ext}"));
        std::fs::copy(&first, &p).unwrap();
        support::overwrite(&p, 0, 512, 0x5a);
        bad.push(p);
        let p = dir.join(format!("zeroed-head.{ext}"));
        std::fs::copy(&first, &p).unwrap();
        support::overwrite(&p, 0, 64, 0);
        bad.push(p);
        let p = dir.join(format!("empty.{ext}"));
        std::fs::write(&p, b"").unwrap();
        bad.push(p);
        let p = dir.join(format!("text.{ext}"));
        std::fs::write(&p, "this is not music\n".repeat(100)).unwrap();
        bad.push(p);
        let p = dir.join(format!("picture.{ext}"));
        std::fs::write(
            &p,
            b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0",
        )
        .unwrap();
        bad.push(p);
    }
    // Companions and hidden files are not the library's business.
    std::fs::write(root.join("notes.txt"), "liner notes").unwrap();
    std::fs::write(root.join(".DS_Store"), [0u8; 100]).unwrap();
    std::fs::write(root.join("flac").join("._good-0.flac"), [0u8; 100]).unwrap();

    let library = open(&data).await;
    let mut progress: Vec<ScanProgressed> = Vec::new();
    let started = std::time::Instant::now();
    let report = library
        .scan_folders(std::slice::from_ref(&root), &ScanOptions::default(), |p| {
            progress.push(p.clone());
        })
        .await
        .unwrap();
    eprintln!(
        "scanned {} files in {:?}",
        good + bad.len() as u64,
        started.elapsed()
    );

    let reported: std::collections::BTreeMap<&Path, &str> = report
        .unreadable
        .iter()
        .map(|u| (u.path.as_path(), u.reason.as_str()))
        .collect();
    for p in &bad {
        assert!(
            reported.contains_key(p.as_path()),
            "{} not reported: {report:#?}",
            p.display()
        );
    }
    assert_eq!(
        report.unreadable.len(),
        bad.len(),
        "{:#?}",
        report.unreadable
    );
    assert_eq!(report.added, good + bad.len() as u64);
    for u in &report.unreadable {
        assert!(!u.reason.is_empty());
    }
    // Reasons are for people: a few spot checks.
    let reason = |name: &str, ext: &str| reported[root.join(ext).join(name).as_path()];
    assert!(
        reason("empty.mp3", "mp3").contains("empty"),
        "{}",
        reason("empty.mp3", "mp3")
    );
    assert!(reason("text.flac", "flac").contains("text"));
    assert!(reason("picture.ogg", "ogg").contains("JPEG"));
    assert!(reason("truncated-1.wav", "wav").contains("truncated"));
    assert!(reason("truncated-1.flac", "flac").contains("truncated"));

    let (ok, missing, unreadable) = library.counts().await.unwrap();
    assert_eq!((ok, missing, unreadable), (good, 0, bad.len() as u64));
    let last = progress.last().unwrap();
    assert_eq!(last.done, last.total);
    // notes.txt is skipped unread by its name; ._ and .DS_Store files are hidden.
    assert_eq!(last.total, good + bad.len() as u64);
    let unreadable_tracks = library.tracks(TrackStatus::Unreadable).await.unwrap();
    assert!(unreadable_tracks.iter().all(|t| t.reason.is_some()));

    // A rescan reads nothing that has not changed.
    let again = scan(&library, &root).await;
    assert_eq!(again.unchanged, good + bad.len() as u64, "{again:?}");
    assert_eq!((again.added, again.updated, again.missing), (0, 0, 0));
}

#[tokio::test]
async fn hostile_files_are_listed_not_fatal() {
    let data = TempDir::new().unwrap();
    let root = music(&data);
    // An ID3 tag claiming 256 MB, a FLAC whose picture block claims 16 MB beyond the file,
    // random bytes, a sparse 4 GiB "WAV", and a folder named like a song.
    let mut id3 = b"ID3\x04\0\0\x7f\x7f\x7f\x7f".to_vec();
    id3.extend_from_slice(&[0x41; 4096]);
    std::fs::write(root.join("huge-tag.mp3"), id3).unwrap();
    let mut flac = b"fLaC".to_vec();
    flac.extend_from_slice(&[0x86, 0xff, 0xff, 0xff]); // last block, PICTURE, 16 MiB
    flac.extend_from_slice(&[0; 64]);
    std::fs::write(root.join("huge-picture.flac"), flac).unwrap();
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13).to_le_bytes()[0])
        .collect();
    std::fs::write(root.join("noise.ogg"), noise).unwrap();
    let sparse = std::fs::File::create(root.join("sparse.wav")).unwrap();
    sparse.set_len(4 << 30).unwrap();
    std::fs::create_dir(root.join("folder.mp3")).unwrap();
    support::tagged("flac", &SUNNY, &root.join("fine.flac"));

    let library = open(&data).await;
    let report = tokio::time::timeout(Duration::from_mins(1), scan(&library, &root))
        .await
        .expect("the scan finishes");
    assert_eq!(report.unreadable.len(), 4, "{report:#?}");
    let (ok, _, unreadable) = library.counts().await.unwrap();
    assert_eq!((ok, unreadable), (1, 4));
}

#[tokio::test]
async fn cover_art_is_thumbnailed_from_tags_and_folders_and_replaygain_is_read() {
    let data = TempDir::new().unwrap();
    let root = music(&data);
    let embedded_dir = root.join("embedded");
    std::fs::create_dir_all(&embedded_dir).unwrap();
    let red = data.path().join("red.jpg");
    support::cover_jpeg(&red, "red");
    support::flac_with_cover_and_replaygain(&embedded_dir.join("covered.flac"), &red);
    let folder_dir = root.join("folder");
    support::tagged("mp3", &SUNNY, &folder_dir.join("a.mp3"));
    support::tagged("ogg", &SUNNY, &folder_dir.join("b.ogg"));
    support::cover_jpeg(&folder_dir.join("Cover.JPG"), "blue");
    // A broken folder image is ignored, not fatal.
    let bare_dir = root.join("bare");
    support::tagged("wav", &SUNNY, &bare_dir.join("c.wav"));
    std::fs::write(bare_dir.join("folder.jpg"), b"\xff\xd8\xff garbage").unwrap();

    let library = open(&data).await;
    let report = scan(&library, &root).await;
    assert!(report.unreadable.is_empty(), "{report:?}");

    let covered = library
        .track_at(&embedded_dir.join("covered.flac"))
        .await
        .unwrap()
        .unwrap();
    let cover = covered.cover.clone().expect("embedded cover");
    let thumb = image::open(library.thumbnail(&cover)).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (300, 225));
    let px = thumb.to_rgb8().get_pixel(150, 110).0;
    assert!(px[0] > 200 && px[1] < 60 && px[2] < 60, "red: {px:?}");
    assert_eq!(covered.replay_gain.track_gain, Some(-6.5));
    assert_eq!(covered.replay_gain.track_peak, Some(0.988));

    let a = library
        .track_at(&folder_dir.join("a.mp3"))
        .await
        .unwrap()
        .unwrap();
    let b = library
        .track_at(&folder_dir.join("b.ogg"))
        .await
        .unwrap()
        .unwrap();
    assert!(a.cover.is_some());
    assert_eq!(a.cover, b.cover, "one thumbnail per folder image");
    assert_ne!(a.cover, covered.cover);
    let px = image::open(library.thumbnail(a.cover.as_deref().unwrap()))
        .unwrap()
        .to_rgb8()
        .get_pixel(10, 10)
        .0;
    assert!(px[2] > 200 && px[0] < 60, "blue: {px:?}");
    let c = library
        .track_at(&bare_dir.join("c.wav"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.cover, None);
    assert!(
        library
            .albums()
            .await
            .unwrap()
            .iter()
            .any(|al| al.title == "Art" && al.cover == covered.cover)
    );
}

#[tokio::test]
async fn rescan_picks_up_changes_and_missing_files() {
    let data = TempDir::new().unwrap();
    let root = music(&data);
    support::tagged("flac", &SUNNY, &root.join("a.flac"));
    support::tagged("ogg", &SUNNY, &root.join("b.ogg"));
    let library = open(&data).await;
    assert_eq!(scan(&library, &root).await.added, 2);

    let other = Tags {
        title: "Rain",
        ..SUNNY
    };
    std::thread::sleep(Duration::from_millis(20));
    support::tagged("flac", &other, &root.join("a.flac"));
    std::fs::remove_file(root.join("b.ogg")).unwrap();
    let report = scan(&library, &root).await;
    assert_eq!((report.updated, report.missing), (1, 1), "{report:?}");
    let a = library
        .track_at(&root.join("a.flac"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.title, "Rain");
    let b = library
        .track_at(&root.join("b.ogg"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b.status, TrackStatus::Missing);

    // It comes back somewhere else: same track, no duplicate.
    support::tagged("ogg", &SUNNY, &root.join("sub").join("b-moved.ogg"));
    let report = scan(&library, &root).await;
    assert_eq!((report.moved, report.added), (1, 0), "{report:?}");
    let moved = library
        .track_at(&root.join("sub/b-moved.ogg"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.id, b.id);
    assert_eq!(moved.status, TrackStatus::Ok);

    let missing_root = root.join("nope");
    let err = library
        .scan_folders(&[missing_root], &ScanOptions::default(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, LibraryError::Io { .. }), "{err}");
}

async fn search_library(data: &TempDir) -> Library {
    let root = music(data);
    let songs = [
        ("晴天", "周杰伦", "叶惠美"),
        ("七里香", "周杰伦", "七里香"),
        ("Love Story", "Taylor Swift", "Fearless"),
        ("Halo", "Beyoncé", "I Am... Sasha Fierce"),
        ("Sunny Afternoon", "The Kinks", "Face to Face"),
        ("Afternoon Tea", "Sunny Day Real Estate", "Diary"),
    ];
    for (i, (title, artist, album)) in songs.iter().enumerate() {
        let tags = Tags {
            title,
            artist,
            album,
            album_artist: artist,
            track: 1,
            year: 2000,
            genre: "Pop",
        };
        support::tagged("flac", &tags, &root.join(format!("{i}.flac")));
    }
    let library = open(data).await;
    scan(&library, &root).await;
    library
}

#[tokio::test]
async fn search_finds_chinese_and_latin_text() {
    let data = TempDir::new().unwrap();
    let library = search_library(&data).await;
    let titles = |v: Vec<shrimp_library::Track>| v.into_iter().map(|t| t.title).collect::<Vec<_>>();

    assert_eq!(titles(library.search("周杰伦", 10).await.unwrap()).len(), 2);
    assert_eq!(
        titles(library.search("七里香", 10).await.unwrap()),
        ["七里香"]
    );
    // Shorter than a trigram: CJK characters and pairs anywhere, Latin word starts.
    assert_eq!(titles(library.search("晴", 10).await.unwrap()), ["晴天"]);
    assert_eq!(
        titles(library.search("里香", 10).await.unwrap()),
        ["七里香"]
    );
    assert_eq!(titles(library.search("周杰", 10).await.unwrap()).len(), 2);
    assert_eq!(titles(library.search("ha", 10).await.unwrap()), ["Halo"]);
    assert_eq!(
        titles(library.search("七里香 七", 10).await.unwrap()),
        ["七里香"]
    );
    assert_eq!(
        titles(library.search("sunny Af", 10).await.unwrap()).len(),
        2
    );
    // As you type, case-insensitive, any script.
    assert_eq!(
        titles(library.search("lov", 10).await.unwrap()),
        ["Love Story"]
    );
    assert_eq!(
        titles(library.search("LOVE st", 10).await.unwrap()),
        ["Love Story"]
    );
    assert_eq!(
        titles(library.search("beyonce", 10).await.unwrap()),
        ["Halo"]
    );
    // A title hit ranks above an artist hit.
    assert_eq!(
        titles(library.search("sunny", 10).await.unwrap()),
        ["Sunny Afternoon", "Afternoon Tea"]
    );
    // Quotes and FTS syntax are just text.
    assert!(library.search("\"OR\" NEAR(", 10).await.unwrap().is_empty());
    assert!(library.search("   ", 10).await.unwrap().is_empty());
    assert!(library.search("zzzz", 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn playlists_are_created_renamed_reordered_deleted_and_round_trip_m3u() {
    let data = TempDir::new().unwrap();
    let library = search_library(&data).await;
    let all = library.tracks(TrackStatus::Ok).await.unwrap();
    let ids: Vec<_> = all.iter().map(|t| t.id.clone()).collect();

    let p = library.create_playlist("  Road trip ").await.unwrap();
    library.add_to_playlist(&p, &ids[..4]).await.unwrap();
    library.move_in_playlist(&p, 0, 3).await.unwrap();
    library.remove_from_playlist(&p, 0).await.unwrap();
    let order: Vec<_> = library
        .playlist_tracks(&p)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(order, [ids[2].clone(), ids[3].clone(), ids[0].clone()]);

    library.rename_playlist(&p, "公路旅行").await.unwrap();
    let listed = library.playlists().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].name.as_str(), listed[0].length), ("公路旅行", 3));
    assert!(matches!(
        library.create_playlist(" ").await,
        Err(LibraryError::Invalid(_))
    ));
    assert!(matches!(
        library.move_in_playlist(&p, 5, 0).await,
        Err(LibraryError::NotFound { .. })
    ));

    let m3u = data.path().join("music").join("trip.m3u8");
    library.export_m3u(&p, &m3u).await.unwrap();
    let text = std::fs::read_to_string(&m3u).unwrap();
    assert!(text.starts_with("#EXTM3U\n#EXTINF:2,"), "{text}");
    let mut with_stranger = text.clone();
    with_stranger.push_str("not-here.flac\n");
    std::fs::write(&m3u, with_stranger).unwrap();
    let imported = library.import_m3u(&m3u, "Imported").await.unwrap();
    assert_eq!(imported.added, 3);
    assert_eq!(imported.unresolved, ["not-here.flac"]);
    let back: Vec<_> = library
        .playlist_tracks(&imported.playlist)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(back, order);

    library.delete_playlist(&p).await.unwrap();
    assert_eq!(library.playlists().await.unwrap().len(), 1);
    assert!(library.playlist_tracks(&p).await.is_err());
}

#[tokio::test]
async fn play_history_is_recorded() {
    let data = TempDir::new().unwrap();
    let library = search_library(&data).await;
    let t = library.tracks(TrackStatus::Ok).await.unwrap().remove(0);
    library.record_play(&t.id, 1_000).await.unwrap();
    library.record_play(&t.id, 2_000).await.unwrap();
    let plays = library.recent_plays(10).await.unwrap();
    assert_eq!(
        plays.iter().map(|p| p.played_at_ms).collect::<Vec<_>>(),
        [2_000, 1_000]
    );
    let unknown = "t_nope".parse().unwrap();
    assert!(library.record_play(&unknown, 3_000).await.is_err());
}

async fn next_reconciled(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<WatchEvent>,
) -> shrimp_library::ScanReport {
    match tokio::time::timeout(Duration::from_secs(10), events.recv()).await {
        Ok(Some(WatchEvent::LibraryReconciled { report })) => report,
        Ok(Some(WatchEvent::ReconcileFailed { message })) => panic!("{message}"),
        Ok(None) | Err(_) => panic!("no watch event"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_while_watching_yields_no_duplicate() {
    let data = TempDir::new().unwrap();
    let root = music(&data);
    support::tagged("flac", &SUNNY, &root.join("song.flac"));
    let library = open(&data).await;
    scan(&library, &root).await;
    let before = library
        .track_at(&root.join("song.flac"))
        .await
        .unwrap()
        .unwrap();
    let playlist = library.create_playlist("Keep").await.unwrap();
    library
        .add_to_playlist(&playlist, std::slice::from_ref(&before.id))
        .await
        .unwrap();

    let (tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let _watch = library
        .watch_folders(
            std::slice::from_ref(&root),
            Duration::from_millis(200),
            Some(tx),
        )
        .unwrap();

    std::fs::rename(root.join("song.flac"), root.join("晴天.flac")).unwrap();
    let report = next_reconciled(&mut events).await;
    assert_eq!((report.moved, report.added), (1, 0), "{report:?}");

    // Into a new folder created after the watch started.
    std::fs::create_dir(root.join("Jay")).unwrap();
    std::fs::rename(root.join("晴天.flac"), root.join("Jay").join("晴天.flac")).unwrap();
    let mut moved = 0;
    while moved == 0 {
        let report = next_reconciled(&mut events).await;
        assert_eq!(report.added, 0, "{report:?}");
        moved += report.moved;
    }
    let (ok, missing, unreadable) = library.counts().await.unwrap();
    assert_eq!((ok, missing, unreadable), (1, 0, 0));
    let after = library
        .track_at(&root.join("Jay/晴天.flac"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(
        library.playlist_tracks(&playlist).await.unwrap()[0].id,
        before.id
    );

    // A new file is picked up; a deleted one becomes missing.
    support::tagged("mp3", &SUNNY, &root.join("new.mp3"));
    let report = next_reconciled(&mut events).await;
    assert_eq!(report.added, 1, "{report:?}");
    std::fs::remove_file(root.join("Jay/晴天.flac")).unwrap();
    let report = next_reconciled(&mut events).await;
    assert_eq!(report.missing, 1, "{report:?}");
    assert_eq!(
        library.track(&before.id).await.unwrap().status,
        TrackStatus::Missing
    );
}

fn purchase(bytes: &[u8], url: &str, sha256: Option<&str>) -> DownloadRequest {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let hex = digest
        .iter()
        .fold(String::new(), |acc, b| acc + &format!("{b:02x}"));
    DownloadRequest {
        url: url.to_owned(),
        file_name: "周杰伦 - 晴天.flac".to_owned(),
        size: bytes.len() as u64,
        provenance: Provenance {
            order_id: OrderId::new("order-1").unwrap(),
            shop_id: ShopId::new("shop-jay").unwrap(),
            store_track_id: Some(TrackId::new("trk-9").unwrap()),
            sha256: sha256.map_or(hex, str::to_owned),
        },
        names: None,
    }
}

fn fast(dir: &Path, attempts: u32) -> DownloadOptions {
    DownloadOptions {
        attempts,
        backoff: Duration::from_millis(10),
        ..DownloadOptions::new(dir.to_owned())
    }
}

fn sunny_bytes(data: &TempDir) -> Vec<u8> {
    let p = data.path().join("source.flac");
    support::tagged("flac", &SUNNY, &p);
    std::fs::read(p).unwrap()
}

#[tokio::test]
async fn a_download_resumes_after_a_dropped_connection_and_lands_in_the_library() {
    let data = TempDir::new().unwrap();
    let bytes = sunny_bytes(&data);
    // The first two connections break off after 10 000 bytes each.
    let server = support::serve(
        bytes.clone(),
        Script {
            drop_after: Some((2, 10_000)),
            ..Script::default()
        },
    );
    let library = open(&data).await;
    let dir = music(&data);
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = std::sync::Arc::clone(&events);
    let track = library
        .download_purchase(
            purchase(&bytes, &server.url, None),
            fast(&dir, 5),
            move |e| {
                sink.lock().unwrap().push(e);
            },
        )
        .await
        .unwrap();

    assert_eq!(track.title, "晴天 Sunny");
    assert_eq!(track.path, dir.join("周杰伦 - 晴天.flac"));
    assert_eq!(std::fs::read(&track.path).unwrap(), bytes);
    let ranges = server.ranges.lock().unwrap().clone();
    assert_eq!(
        ranges,
        [
            None,
            Some("bytes=10000-".to_owned()),
            Some("bytes=20000-".to_owned())
        ]
    );
    let events = events.lock().unwrap().clone();
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, DownloadEvent::AttemptFailed { .. }))
            .count(),
        2
    );
    assert!(matches!(
        events.last(),
        Some(DownloadEvent::DownloadPlaced { .. })
    ));
    assert!(events.iter().any(|e| matches!(
        e,
        DownloadEvent::DownloadProgressed { received, total } if received == total
    )));
    let provenance = library.provenance(&track.id).await.unwrap().unwrap();
    assert_eq!(provenance.order_id.as_str(), "order-1");
    assert_eq!(provenance.shop_id.as_str(), "shop-jay");
    // The purchases with their tracks, in one list.
    let purchased = library.purchased().await.unwrap();
    assert_eq!(purchased.len(), 1);
    assert_eq!(purchased[0].0.id, track.id);
    assert_eq!(purchased[0].1.order_id.as_str(), "order-1");
    assert_eq!(purchased[0].1.sha256, provenance.sha256);
    // Only the finished file is in the folder: no part file left behind.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[tokio::test]
async fn an_untagged_purchase_takes_the_stores_names_and_a_tagged_one_keeps_its_own() {
    let data = TempDir::new().unwrap();
    let library = open(&data).await;
    let dir = music(&data);
    let names = KnownNames {
        title: "扫码之歌".to_owned(),
        artist: Some("山海乐队".to_owned()),
        album: Some("第一张".to_owned()),
    };

    // An untagged WAV, as a shop may upload one: named as the store names it, found by it.
    let untagged = std::fs::read(support::base_wav()).unwrap();
    let server = support::serve(untagged.clone(), Script::default());
    let mut request = purchase(&untagged, &server.url, None);
    request.file_name = "山海乐队 - 扫码之歌.wav".to_owned();
    request.names = Some(names.clone());
    let track = library
        .download_purchase(request, fast(&dir, 1), |_| {})
        .await
        .unwrap();
    assert_eq!(track.title, "扫码之歌");
    assert_eq!(track.artist.as_deref(), Some("山海乐队"));
    assert_eq!(track.album.as_deref(), Some("第一张"));
    let found = library.search("山海", 10).await.unwrap();
    assert_eq!(found.iter().map(|t| &t.id).collect::<Vec<_>>(), [&track.id]);

    // A tagged file's own tags win.
    let tagged = sunny_bytes(&data);
    let server = support::serve(tagged.clone(), Script::default());
    let mut request = purchase(&tagged, &server.url, None);
    request.provenance.order_id = OrderId::new("order-2").unwrap();
    request.names = Some(names);
    let track = library
        .download_purchase(request, fast(&dir, 1), |_| {})
        .await
        .unwrap();
    assert_eq!(track.title, "晴天 Sunny");
    assert_ne!(track.artist.as_deref(), Some("山海乐队"));
}

#[tokio::test]
async fn a_download_with_wrong_bytes_fails_the_checksum_and_places_nothing() {
    let data = TempDir::new().unwrap();
    let bytes = sunny_bytes(&data);
    let server = support::serve(
        bytes.clone(),
        Script {
            wrong_bytes: true,
            ..Script::default()
        },
    );
    let dir = music(&data);
    let err = shrimp_library::download::download(
        &purchase(&bytes, &server.url, None),
        &fast(&dir, 2),
        |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(err, DownloadError::ChecksumMismatch { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("checksum mismatch"));
    assert_eq!(
        server.ranges.lock().unwrap().len(),
        2,
        "retried once, from the start"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing placed, no part file kept"
    );
}

#[tokio::test]
async fn a_download_reports_http_errors_without_retrying_client_errors() {
    let data = TempDir::new().unwrap();
    let bytes = b"abc".to_vec();
    let dir = music(&data);
    let server = support::serve(
        bytes.clone(),
        Script {
            status: Some(404),
            ..Script::default()
        },
    );
    let err = shrimp_library::download::download(
        &purchase(&bytes, &server.url, None),
        &fast(&dir, 3),
        |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(err, DownloadError::Http { status: 404, .. }),
        "{err}"
    );
    assert_eq!(server.ranges.lock().unwrap().len(), 1);

    let server = support::serve(
        bytes.clone(),
        Script {
            status: Some(503),
            ..Script::default()
        },
    );
    let err = shrimp_library::download::download(
        &purchase(&bytes, &server.url, None),
        &fast(&dir, 3),
        |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(err, DownloadError::Http { status: 503, .. }),
        "{err}"
    );
    assert_eq!(server.ranges.lock().unwrap().len(), 3);

    let err = shrimp_library::download::download(
        &purchase(&bytes, "http://127.0.0.1:9/x", Some("nothex")),
        &fast(&dir, 1),
        |_| {},
    )
    .unwrap_err();
    assert!(matches!(err, DownloadError::Invalid(_)), "{err}");
}

#[tokio::test]
async fn a_download_restarts_when_the_server_ignores_range() {
    let data = TempDir::new().unwrap();
    let bytes = sunny_bytes(&data);
    let server = support::serve(
        bytes.clone(),
        Script {
            drop_after: Some((1, 5_000)),
            ignore_range: true,
            ..Script::default()
        },
    );
    let dir = music(&data);
    let path = shrimp_library::download::download(
        &purchase(&bytes, &server.url, None),
        &fast(&dir, 3),
        |_| {},
    )
    .unwrap();
    assert_eq!(std::fs::read(path).unwrap(), bytes);
}

#[tokio::test]
async fn a_download_cut_short_resumes_on_the_next_call_from_its_part_file() {
    let data = TempDir::new().unwrap();
    let bytes = sunny_bytes(&data);
    let server = support::serve(
        bytes.clone(),
        Script {
            drop_after: Some((1, 7_000)),
            ..Script::default()
        },
    );
    let dir = music(&data);
    let request = purchase(&bytes, &server.url, None);
    // As if the app were killed mid-download: one attempt, cut off.
    let err = shrimp_library::download::download(&request, &fast(&dir, 1), |_| {}).unwrap_err();
    assert!(matches!(err, DownloadError::Network(_)), "{err}");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(
        names[0].starts_with('.')
            && Path::new(&names[0]).extension() == Some(std::ffi::OsStr::new("part")),
        "{names:?}"
    );
    assert_eq!(std::fs::metadata(dir.join(&names[0])).unwrap().len(), 7_000);

    let path = shrimp_library::download::download(&request, &fast(&dir, 1), |_| {}).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(
        server.ranges.lock().unwrap().clone(),
        [None, Some("bytes=7000-".to_owned())]
    );
    // Asking again for a file already in place downloads nothing.
    let again = shrimp_library::download::download(&request, &fast(&dir, 1), |_| {}).unwrap();
    assert_eq!(again, path);
    assert_eq!(server.ranges.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_track_window_is_sorted_filtered_and_searched_in_sql_with_its_total() {
    use shrimp_library::{TrackFilter, TrackSort};
    let data = TempDir::new().unwrap();
    let root = music(&data);
    let names = [
        ("Alpha Song", "Bei", "One"),
        ("Charlie", "Ann", "Two"),
        ("Bravo Night", "Ann", "Two"),
        ("晴天", "周杰伦", "叶惠美"),
    ];
    for (i, &(title, artist, album)) in names.iter().enumerate() {
        let tags = Tags {
            title,
            artist,
            album,
            album_artist: artist,
            track: u32::try_from(i).unwrap() + 1,
            year: 2020,
            genre: "Pop",
        };
        support::tagged("flac", &tags, &root.join(format!("{i}.flac")));
    }
    std::fs::write(root.join("broken.flac"), b"not audio").unwrap();
    let library = open(&data).await;
    scan(&library, &root).await;

    let all = TrackFilter::default();
    assert_eq!(
        library.count_tracks(&all).await.unwrap(),
        4,
        "the broken file is not listed"
    );
    let titles = |rows: Vec<shrimp_library::ListedTrack>| -> Vec<String> {
        rows.into_iter().map(|r| r.track.title).collect()
    };
    let by_title = library
        .track_window(&all, TrackSort::Title, false, 0, 10)
        .await
        .unwrap();
    assert_eq!(
        titles(by_title),
        ["Alpha Song", "Bravo Night", "Charlie", "晴天"]
    );
    let second_page = library
        .track_window(&all, TrackSort::Title, true, 1, 2)
        .await
        .unwrap();
    assert_eq!(titles(second_page), ["Charlie", "Bravo Night"]);

    let search = TrackFilter {
        text: "night".into(),
        ..TrackFilter::default()
    };
    assert_eq!(library.count_tracks(&search).await.unwrap(), 1);
    let short = TrackFilter {
        text: "晴".into(),
        ..TrackFilter::default()
    };
    let found = library
        .track_window(&short, TrackSort::Artist, false, 0, 10)
        .await
        .unwrap();
    assert_eq!(titles(found), ["晴天"]);
    let by_artist = TrackFilter {
        artist: Some("ann".into()),
        ..TrackFilter::default()
    };
    let ann = library
        .track_window(&by_artist, TrackSort::Album, false, 0, 10)
        .await
        .unwrap();
    assert_eq!(
        titles(ann),
        ["Charlie", "Bravo Night"],
        "album order: track numbers"
    );
    let artists = library.artist_summaries().await.unwrap();
    assert_eq!(artists.len(), 3);
    assert_eq!((artists[0].name.as_str(), artists[0].tracks), ("Ann", 2));

    let ids: Vec<_> = library
        .track_window(&all, TrackSort::Title, true, 0, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.track.id)
        .collect();
    let unknown: shrimp_library::LibraryTrackId = "t_nope".parse().unwrap();
    let asked = [ids[2].clone(), unknown, ids[0].clone()];
    let queue = library.tracks_by_ids(&asked).await.unwrap();
    assert_eq!(
        titles(queue),
        ["Bravo Night", "晴天"],
        "asked order, unknown ids left out"
    );
}

/// Rows for the track list's order test: ties on every key, missing values, names that differ
/// only in case, Chinese text, and rows that are not playable.
async fn insert_list_rows(conn: &mut sqlx::SqliteConnection, rows: std::ops::Range<u32>) {
    let artists = [
        None,
        Some("ann"),
        Some("Ann"),
        Some("周杰伦"),
        Some(""),
        Some("Bei"),
    ];
    let albums = [None, Some("One"), Some("one"), Some("叶惠美"), Some("Two")];
    let titles = [
        "晴天",
        "Alpha",
        "alpha",
        "Bravo Night",
        "夜曲",
        "night",
        "七里香",
    ];
    for i in rows {
        let n = i as usize;
        let status = match (i % 19, i % 23) {
            (0, _) => "missing",
            (_, 0) => "unreadable",
            _ => "ok",
        };
        sqlx::query(
            "INSERT INTO tracks (id, path, size, mtime_ns, fingerprint, title, artist, album, \
             album_artist, genre, disc_no, track_no, duration_ms, status, added_at_ms, \
             updated_at_ms) VALUES (?1, ?2, 1, 1, ?1, ?3, ?4, ?5, ?4, 'Pop', ?6, ?7, ?8, ?9, \
             ?10, 0)",
        )
        .bind(format!("t_list{i:05}"))
        .bind(format!("/music/{i}.flac"))
        .bind(titles[n % titles.len()])
        .bind(artists[n % artists.len()])
        .bind(albums[n % albums.len()])
        .bind((i % 3 != 0).then_some(i64::from(i % 2 + 1)))
        .bind((i % 11 != 0).then_some(i64::from(i % 9)))
        .bind((i % 17 != 0).then_some(i64::from(i % 13) * 1000))
        .bind(status)
        .bind(i64::from(i / 10))
        .execute(&mut *conn)
        .await
        .unwrap();
    }
}

/// The list as one query sorts it, which is what every window must agree with.
async fn whole_list(
    conn: &mut sqlx::SqliteConnection,
    clause: &str,
    order: &str,
    descending: bool,
) -> Vec<String> {
    let direction = if descending { " DESC" } else { "" };
    let order: Vec<String> = order
        .split(", ")
        .map(|key| format!("{key}{direction}"))
        .collect();
    let sql = format!(
        "SELECT t.id FROM tracks t WHERE t.status = 'ok' {clause} ORDER BY {}",
        order.join(", ")
    );
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn windows_of_the_track_list_put_together_are_the_whole_sorted_list() {
    use shrimp_library::{TrackFilter, TrackSort};
    use sqlx::Connection;
    let data = TempDir::new().unwrap();
    let paths = LibraryPaths::in_dir(&data.path().join("data"));
    let library = Library::open(&paths).await.unwrap();
    let url = format!("sqlite://{}", paths.database.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    insert_list_rows(&mut conn, 0..2_600).await;
    library.rebuild_search_index().await.unwrap();

    let sorts = [
        (
            TrackSort::Artist,
            "t.artist, t.album, t.disc_no, t.track_no, t.rowid",
        ),
        (TrackSort::Title, "t.title, t.rowid"),
        (TrackSort::Album, "t.album, t.disc_no, t.track_no, t.rowid"),
        (TrackSort::Added, "t.added_at_ms, t.rowid"),
        (TrackSort::Duration, "t.duration_ms, t.rowid"),
    ];
    let filters = [
        (TrackFilter::default(), ""),
        (
            TrackFilter {
                artist: Some("ANN".into()),
                ..TrackFilter::default()
            },
            "AND t.artist = 'ANN'",
        ),
        (
            TrackFilter {
                text: "夜".into(),
                ..TrackFilter::default()
            },
            "AND t.rowid IN (SELECT rowid FROM tracks_short WHERE tracks_short MATCH '\"夜\"')",
        ),
        (
            TrackFilter {
                text: "night".into(),
                ..TrackFilter::default()
            },
            "AND t.rowid IN (SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH '\"night\"')",
        ),
    ];
    let ids = |rows: Vec<shrimp_library::ListedTrack>| -> Vec<String> {
        rows.into_iter().map(|r| r.track.id.to_string()).collect()
    };
    // Twice: the second time after the library changed underneath (rows added, titles and
    // statuses changed from another connection), which what the list remembered must follow.
    for round in 0..2 {
        if round == 1 {
            insert_list_rows(&mut conn, 2_600..3_100).await;
            sqlx::query("UPDATE tracks SET title = 'Aardvark', status = 'ok' WHERE rowid % 50 = 7")
                .execute(&mut conn)
                .await
                .unwrap();
            library.rebuild_search_index().await.unwrap();
        }
        for (filter, clause) in &filters {
            for (sort, order) in sorts {
                for descending in [false, true] {
                    let expected = whole_list(&mut conn, clause, order, descending).await;
                    let what = format!("{sort:?} desc={descending} {filter:?} round {round}");
                    let total = library.count_tracks(filter).await.unwrap();
                    assert_eq!(total, expected.len() as u64, "{what}");
                    assert!(!expected.is_empty(), "{what}");
                    // A jump to the end first, then into the middle, then every window in turn.
                    for offset in [total.saturating_sub(150), total / 2 + 33] {
                        let got = library
                            .track_window(filter, sort, descending, offset, 100)
                            .await
                            .unwrap();
                        let from = usize::try_from(offset).unwrap();
                        let to = (from + 100).min(expected.len());
                        assert_eq!(ids(got), expected[from..to], "{what} at {offset}");
                    }
                    let mut all = Vec::new();
                    for offset in (0..total + 100).step_by(100) {
                        let got = library
                            .track_window(filter, sort, descending, offset, 100)
                            .await
                            .unwrap();
                        all.extend(ids(got));
                    }
                    assert_eq!(all, expected, "{what}");
                }
            }
            // Touch the database so the next filter starts with nothing remembered.
            sqlx::query("UPDATE tracks SET updated_at_ms = updated_at_ms + 1 WHERE rowid = 1")
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }
    conn.close().await.unwrap();
    library.close().await;
}
