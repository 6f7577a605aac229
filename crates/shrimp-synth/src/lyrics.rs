//! Titles and synced lyrics from an original phrase bank (written for Shrimp; no lines from
//! real songs). Lines follow the song's sections so they land where the music changes.

use std::fmt::Write as _;

use crate::rng::Rng;
use crate::{Genre, Lang, Section, SectionKind};

const EN_ADJ: [&str; 24] = [
    "Quiet", "Silver", "Northern", "Paper", "Golden", "Distant", "Slow", "Velvet", "Amber",
    "Hollow", "Bright", "Drifting", "Winter", "Hidden", "Early", "Faded", "Open", "Little",
    "Electric", "Salt", "Midnight", "Gentle", "Wild", "Last",
];
const EN_NOUN: [&str; 28] = [
    "Harbour Lights",
    "Rivers",
    "Lanterns",
    "Morning",
    "Tides",
    "Fields",
    "Streetlights",
    "Mountains",
    "Gardens",
    "Radio",
    "Orchard",
    "Horizon",
    "Window",
    "Pines",
    "Letters",
    "Skyline",
    "Moonrise",
    "Meadow",
    "Station",
    "Kites",
    "Bells",
    "Harvest",
    "Circuits",
    "Rain",
    "Islands",
    "Embers",
    "Footsteps",
    "Weather",
];
const EN_PATTERNS: [&str; 6] = [
    "{a} {n}",
    "{n}",
    "The {a} {n}",
    "{n} at Dusk",
    "After the {n}",
    "{a} {n}, Again",
];
const ZH_A: [&str; 24] = [
    "晚风", "山月", "灯塔", "旧巷", "流云", "雨后", "长亭", "渡口", "星河", "竹林", "远山", "春水",
    "霓虹", "清晨", "纸鸢", "海岸", "小城", "白鹭", "松风", "归舟", "花窗", "落叶", "夜车", "炉火",
];
const ZH_PATTERNS: [&str; 5] = ["{a}与{b}", "{a}", "{a}的{b}", "听{a}", "{a}里的{b}"];

const ALBUM_EN: [&str; 10] = [
    "Songs for the Long Way Home",
    "Lights Over Water",
    "The Quiet Hours",
    "Postcards",
    "Small Weather",
    "A Room with a Window",
    "Field Notes",
    "Night Transit",
    "Between Two Rivers",
    "Open Season",
];
const ALBUM_ZH: [&str; 10] = [
    "归途集",
    "水上灯火",
    "静默时分",
    "明信片",
    "小天气",
    "有窗的房间",
    "田野笔记",
    "夜行列车",
    "两河之间",
    "山中岁月",
];

fn genre_salt(genre: Genre) -> u64 {
    (genre as u64 + 1).wrapping_mul(0x9E37_79B9)
}

/// An original track title.
pub fn title(seed: u64, genre: Genre, lang: Lang) -> String {
    let mut rng = Rng::new(seed ^ genre_salt(genre) ^ 0x7171);
    match lang {
        Lang::En => {
            let pattern = *rng.pick(&EN_PATTERNS);
            let a = *rng.pick(&EN_ADJ);
            let n = *rng.pick(&EN_NOUN);
            pattern.replace("{a}", a).replace("{n}", n)
        }
        Lang::ZhHans => {
            let pattern = *rng.pick(&ZH_PATTERNS);
            let a = rng.below(ZH_A.len());
            let b = (a + 1 + rng.below(ZH_A.len() - 1)) % ZH_A.len();
            pattern.replace("{a}", ZH_A[a]).replace("{b}", ZH_A[b])
        }
    }
}

/// An original album title.
pub fn album_title(seed: u64, genre: Genre, lang: Lang) -> String {
    let mut rng = Rng::new(seed ^ genre_salt(genre) ^ 0xA1B);
    let i = rng.below(ALBUM_EN.len());
    match lang {
        Lang::En => ALBUM_EN[i].to_owned(),
        Lang::ZhHans => ALBUM_ZH[i].to_owned(),
    }
}

const EN_VERSE: [&str; 24] = [
    "The kettle sings before the sun is up",
    "I count the boats that never leave the bay",
    "Your coat still hangs beside the open door",
    "The radio is humming something old",
    "We drew our maps on napkins in the rain",
    "A bus goes by with nobody inside",
    "The river keeps the secrets that we told",
    "I left a light on, just in case you call",
    "The streets are washed in orange and in blue",
    "There's chalk upon the pavement, half a game",
    "The swallows write their letters on the wire",
    "I fold the evening neatly in a drawer",
    "The window fogs, I write your name and wait",
    "The market closes, lanterns flicker on",
    "My shoes remember every road we took",
    "The clock is slow, and I don't mind at all",
    "A paper moon is pinned above the hill",
    "We shared an orange on the station stairs",
    "The garden grows the way it always did",
    "I hear the tide come in across the sand",
    "The stairwell smells of rain and cedar wood",
    "A stranger hums the tune I used to know",
    "The ferry horn says goodnight to the town",
    "Your laughter echoes down the empty hall",
];
const EN_CHORUS: [&str; 16] = [
    "So hold on, hold on to the harbour lights",
    "We are the sparks that the night forgot",
    "Carry me home on the evening wind",
    "Every road is turning back to you",
    "Sing it slow, sing it low, let it go",
    "Under the same wide sky tonight",
    "And the city keeps on dreaming in the dark",
    "Oh, the morning's coming, let it come",
    "Light a little fire where the cold winds blow",
    "We were younger than the summer rain",
    "Follow the river down to the sea",
    "All the stars are leaning closer now",
    "Don't let the music fade away",
    "Here where the long roads meet",
    "Turn the record over, play it again",
    "You and I and the open road",
];
const EN_BRIDGE: [&str; 8] = [
    "And if the lights go out, I'll know the way",
    "Maybe we were only passing through",
    "Close your eyes and listen to the rain",
    "Somewhere a door is open, somewhere a song",
    "Let the silence say what words cannot",
    "Even the mountains move, given time",
    "The map was wrong, but the stars were right",
    "Breathe in, breathe out, begin again",
];
const ZH_VERSE: [&str; 24] = [
    "清晨的水壶先唱起了歌",
    "我数着港湾里不走的船",
    "你的外套还挂在门边",
    "收音机哼着旧日的旋律",
    "我们在雨里画过一张地图",
    "空荡的公交慢慢开过",
    "河水守着我们说过的秘密",
    "我留了一盏灯等你回来",
    "街道染上橘色和蓝色",
    "石板路上还有半局粉笔游戏",
    "燕子在电线上写信",
    "我把黄昏叠好放进抽屉",
    "窗上起雾我写下你的名字",
    "集市散了灯笼一盏盏亮起",
    "鞋子记得我们走过的路",
    "时钟慢了我也不在意",
    "纸做的月亮挂在山头",
    "车站台阶上分一个橘子",
    "院子里的花照旧开着",
    "潮水漫过沙滩的声音",
    "楼道里有雨和松木的味道",
    "陌生人哼着我熟悉的曲调",
    "渡轮的汽笛向小城道晚安",
    "你的笑声在走廊里回荡",
];
const ZH_CHORUS: [&str; 16] = [
    "别松手 抓紧港口的灯火",
    "我们是夜晚遗忘的火花",
    "让晚风带我回家",
    "每一条路都通向你",
    "慢慢唱 轻轻唱 随它去吧",
    "今夜在同一片天空下",
    "城市在黑暗里继续做梦",
    "天就要亮了 让它来吧",
    "在寒风里点一盏小火",
    "那年我们比夏雨还年轻",
    "顺着河流去到海边",
    "满天星星靠得更近了",
    "别让音乐就这样散去",
    "在长路交汇的地方",
    "把唱片翻面再放一遍",
    "你和我还有远方的路",
];
const ZH_BRIDGE: [&str; 8] = [
    "如果灯灭了 我也认得路",
    "也许我们只是路过",
    "闭上眼睛听雨",
    "总有一扇门开着 总有一首歌",
    "让沉默说出说不出的话",
    "山也会移动 只要给它时间",
    "地图错了 星星却是对的",
    "吸一口气 再重新开始",
];

fn lrc_time(ms: u32) -> String {
    let centis = ms / 10;
    format!(
        "[{:02}:{:02}.{:02}]",
        centis / 6000,
        (centis / 100) % 60,
        centis % 100
    )
}

/// Synced lyrics in LRC format. Sung lines start on the phrases of verses, choruses and
/// the bridge (every two bars, or four when bars are short); choruses repeat their words;
/// instrumental parts get an empty line. All timestamps are inside `duration_ms`.
pub fn lyrics_lrc(
    seed: u64,
    lang: Lang,
    sections: &[Section],
    duration_ms: u32,
    title: &str,
) -> String {
    let mut rng = Rng::new(seed ^ 0x1E1C5);
    let (verse, chorus, bridge): (&[&str], &[&str], &[&str]) = match lang {
        Lang::En => (&EN_VERSE, &EN_CHORUS, &EN_BRIDGE),
        Lang::ZhHans => (&ZH_VERSE, &ZH_CHORUS, &ZH_BRIDGE),
    };
    // The chorus is the same four lines every time; verses take fresh lines.
    let chorus_lines: Vec<&str> = (0..4).map(|_| *rng.pick(chorus)).collect();
    let mut verse_order: Vec<usize> = (0..verse.len()).collect();
    for i in (1..verse_order.len()).rev() {
        let j = rng.below(i + 1);
        verse_order.swap(i, j);
    }
    let mut next_verse = 0;
    let mut out = String::new();
    let _ = writeln!(out, "[ti:{title}]");
    let _ = writeln!(out, "[by:shrimp-synth]");
    for section in sections {
        if section.start_ms >= duration_ms {
            break;
        }
        let bars = u32::from(section.bars.max(1));
        let bar_ms = (section.end_ms - section.start_ms) / bars;
        let per_line =
            if bar_ms < 2500 { 2 } else { 1 } * if bars >= 8 && bar_ms < 1500 { 2 } else { 1 };
        match section.kind {
            SectionKind::Intro | SectionKind::Outro => {
                let _ = writeln!(out, "{}", lrc_time(section.start_ms));
            }
            kind => {
                let mut line = 0;
                let mut bar = 0;
                while bar < bars {
                    let at = section.start_ms + bar * bar_ms;
                    let text = match kind {
                        SectionKind::Chorus => chorus_lines[line % chorus_lines.len()],
                        SectionKind::Bridge => {
                            bridge[(rng.below(bridge.len()) + line) % bridge.len()]
                        }
                        _ => {
                            let t = verse[verse_order[next_verse % verse_order.len()]];
                            next_verse += 1;
                            t
                        }
                    };
                    let _ = writeln!(out, "{}{text}", lrc_time(at));
                    line += 1;
                    bar += per_line;
                }
            }
        }
    }
    out
}
