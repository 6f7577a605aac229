//! Full-text search over titles, artists, albums and genres. FTS5's trigram tokenizer matches
//! substrings in any script, so `周杰` finds `周杰伦` and `lov` finds `Love Song` as the user
//! types; terms shorter than three characters (which have no trigram) are matched with LIKE.

use sqlx::AssertSqlSafe;

use crate::error::Result;
use crate::store::{Library, TRACK_COLUMNS, Track, TrackRow};

/// Matches ranked per query. A word common enough to match more tracks than this (`love`, `夜`)
/// has its first matches in index order ranked; ranking every one of thousands of matches
/// would cost tens of milliseconds for a list the user is about to narrow by typing on.
const RANK_WINDOW: u32 = 1000;

/// Columns weighted for ranking: a hit in the title counts most.
const WEIGHTS: &str = "10.0, 6.0, 4.0, 3.0, 1.0";

impl Library {
    /// Playable tracks matching every word of `query`, best first, at most `limit`.
    ///
    /// Words of three characters or more match anywhere (trigram index). Shorter words match
    /// a whole CJK character or pair (`夜`, `晴天`) or the start of a Latin word (`lo` finds
    /// `Love`), through a second index of words and CJK unigrams and bigrams.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<Track>> {
        let terms: Vec<&str> = query.split_whitespace().take(16).collect();
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let (long, short): (Vec<&str>, Vec<&str>) =
            terms.into_iter().partition(|t| t.chars().count() >= 3);
        let long_match =
            (!long.is_empty()).then(|| long.iter().map(|t| quote(t)).collect::<Vec<_>>().join(" "));
        let short_match = (!short.is_empty()).then(|| {
            short
                .iter()
                .map(|t| {
                    if t.chars().all(is_cjk) {
                        quote(t)
                    } else {
                        format!("{}*", quote(t))
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        });
        // Rank inside an index alone and join only the best few: joining every match before
        // sorting costs a table lookup per match. A margin covers tracks that turn out missing
        // or unreadable. With both kinds of words, the short ones filter the ranked long ones.
        let margin = u64::from(limit) * 2 + 16;
        let (sql, binds) = match (long_match, short_match) {
            (Some(long), None) => (
                format!(
                    "SELECT {TRACK_COLUMNS} FROM (SELECT rowid, score FROM (SELECT rowid, \
                     bm25(tracks_fts, {WEIGHTS}) AS score FROM tracks_fts \
                     WHERE tracks_fts MATCH ?1 LIMIT {RANK_WINDOW}) ORDER BY score \
                     LIMIT {margin}) f JOIN tracks t ON t.rowid = f.rowid \
                     WHERE t.status = 'ok' ORDER BY f.score, t.rowid LIMIT {limit}"
                ),
                vec![long],
            ),
            (None, Some(short)) => (
                format!(
                    "SELECT {TRACK_COLUMNS} FROM (SELECT rowid, score FROM (SELECT rowid, \
                     rank AS score FROM tracks_short WHERE tracks_short MATCH ?1 \
                     LIMIT {RANK_WINDOW}) ORDER BY score LIMIT {margin}) f \
                     JOIN tracks t ON t.rowid = f.rowid WHERE t.status = 'ok' \
                     ORDER BY f.score, t.rowid LIMIT {limit}"
                ),
                vec![short],
            ),
            (Some(long), Some(short)) => (
                format!(
                    "SELECT {TRACK_COLUMNS} FROM (SELECT rowid, score FROM (SELECT rowid, \
                     bm25(tracks_fts, {WEIGHTS}) AS score FROM tracks_fts \
                     WHERE tracks_fts MATCH ?1 AND rowid IN \
                     (SELECT rowid FROM tracks_short WHERE tracks_short MATCH ?2) \
                     LIMIT {RANK_WINDOW}) ORDER BY score LIMIT {margin}) f JOIN tracks t ON t.rowid = f.rowid \
                     WHERE t.status = 'ok' ORDER BY f.score, t.rowid LIMIT {limit}"
                ),
                vec![long, short],
            ),
            (None, None) => return Ok(Vec::new()),
        };
        let mut q = sqlx::query_as::<_, TrackRow>(AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        Ok(q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Track::from)
            .collect())
    }

    /// Rebuilds the short-word index from the tracks table (after bulk imports or repairs).
    pub async fn rebuild_search_index(&self) -> Result<()> {
        type Row = (i64, String, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Row> =
            sqlx::query_as("SELECT rowid, title, artist, album, album_artist FROM tracks")
                .fetch_all(&self.pool)
                .await?;
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM tracks_short")
            .execute(&mut *tx)
            .await?;
        for (rowid, title, artist, album, album_artist) in rows {
            let terms = short_terms(&[
                Some(title.as_str()),
                artist.as_deref(),
                album.as_deref(),
                album_artist.as_deref(),
            ]);
            sqlx::query("INSERT INTO tracks_short (rowid, terms) VALUES (?1, ?2)")
                .bind(rowid)
                .bind(terms)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A term as an FTS5 string: quoted, so operators and punctuation are just text.
pub(crate) fn quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Chinese, Japanese and Korean characters, which are written without spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff
        | 0xac00..=0xd7af | 0x20000..=0x2fa1f)
}

/// The text for the short-word index: the fields as they are (the tokenizer splits Latin
/// words), with every CJK character and every adjacent pair as a word of its own.
pub(crate) fn short_terms(fields: &[Option<&str>]) -> String {
    let mut out = String::new();
    for field in fields.iter().flatten() {
        let mut run: Vec<char> = Vec::new();
        for c in field.chars().chain(std::iter::once(' ')) {
            if is_cjk(c) {
                run.push(c);
                continue;
            }
            for (i, ch) in run.iter().enumerate() {
                out.push(' ');
                out.push(*ch);
                if let Some(next) = run.get(i + 1) {
                    out.push(' ');
                    out.push(*ch);
                    out.push(*next);
                }
            }
            run.clear();
            out.push(c);
        }
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cjk_into_unigrams_and_bigrams() {
        let terms = short_terms(&[Some("晴天 Sunny"), None, Some("叶惠美")]);
        let words: Vec<&str> = terms.split_whitespace().collect();
        assert_eq!(
            words,
            [
                "晴", "晴天", "天", "Sunny", "叶", "叶惠", "惠", "惠美", "美"
            ]
        );
    }
}
