//! Who is in the demo marketplace: the people you can act as, the shops with their releases,
//! and the application waiting for review. Fixed data; the music and art are generated from it.

use shrimp_domain::ShopKind;
use shrimp_synth::Genre;

/// A demo account the app can switch to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Persona {
    pub key: &'static str,
    pub user_id: &'static str,
    pub email: &'static str,
    pub display_name: &'static str,
}

/// The password of every demo persona: the demo runs on this machine only.
pub const DEMO_PASSWORD: &str = "shrimp-demo-password";

pub const LISTENER: Persona = Persona {
    key: "listener",
    user_id: "usr_demo_listener",
    email: "listener@demo.shrimp.local",
    display_name: "Mei 小美",
};
pub const MUSICIAN: Persona = Persona {
    key: "musician",
    user_id: "usr_demo_musician",
    email: "musician@demo.shrimp.local",
    display_name: "Lin Xiaoyu 林小雨",
};
pub const LABEL_OWNER: Persona = Persona {
    key: "label",
    user_id: "usr_demo_label",
    email: "label@demo.shrimp.local",
    display_name: "Harbour Wang 王港",
};
pub const REVIEWER: Persona = Persona {
    key: "reviewer",
    user_id: "usr_demo_reviewer",
    email: "reviewer@demo.shrimp.local",
    display_name: "Reviewer Zhou 周审",
};
/// Has a shop application waiting in the reviewer's inbox.
pub const APPLICANT: Persona = Persona {
    key: "applicant",
    user_id: "usr_demo_applicant",
    email: "applicant@demo.shrimp.local",
    display_name: "Echo Valley 回声山谷",
};

/// The personas the app offers to switch between, in order.
pub const PERSONAS: [Persona; 5] = [LISTENER, MUSICIAN, LABEL_OWNER, REVIEWER, APPLICANT];

pub fn persona(key: &str) -> Option<Persona> {
    PERSONAS.into_iter().find(|persona| persona.key == key)
}

/// One release of a demo shop.
#[derive(Debug, Clone, Copy)]
pub struct ReleasePlan {
    pub title: &'static str,
    pub genre: Genre,
    pub tracks: u8,
    pub description: &'static str,
}

/// One demo shop, its owner and what it sells. `prices_fen` cycles over the shop's tracks
/// (independents only; labels always sell at the platform default).
#[derive(Debug, Clone, Copy)]
pub struct ShopPlan {
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: ShopKind,
    pub bio: &'static str,
    /// The persona who owns it, or a background owner's display name.
    pub owner: Owner,
    pub legal_name: &'static str,
    pub payout_account: &'static str,
    pub artists: &'static str,
    pub prices_fen: &'static [i64],
    pub releases: &'static [ReleasePlan],
    /// How much listeners like it (relative sales weight).
    pub popularity: u32,
}

#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Persona(Persona),
    Background {
        key: &'static str,
        name: &'static str,
    },
}

impl Owner {
    pub fn user_id(self) -> String {
        match self {
            Self::Persona(persona) => persona.user_id.to_owned(),
            Self::Background { key, .. } => format!("usr_demo_owner_{key}"),
        }
    }

    pub fn email(self) -> String {
        match self {
            Self::Persona(persona) => persona.email.to_owned(),
            Self::Background { key, .. } => format!("owner-{key}@demo.shrimp.local"),
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Self::Persona(persona) => persona.display_name,
            Self::Background { name, .. } => name,
        }
    }
}

impl ShopPlan {
    pub fn shop_id(&self) -> String {
        format!("shp_demo_{}", self.slug)
    }
}

pub const SHOPS: &[ShopPlan] = &[
    ShopPlan {
        slug: "xiaoyu",
        name: "小雨的房间 Xiaoyu's Room",
        kind: ShopKind::Independent,
        bio: "Songs written at a small desk by the window. 窗边书桌上写的歌，民谣与钢琴。",
        owner: Owner::Persona(MUSICIAN),
        legal_name: "林小雨",
        payout_account: "alipay:xiaoyu.lin@example.cn",
        artists: "林小雨 Lin Xiaoyu",
        prices_fen: &[100, 150, 0, 200, 120],
        releases: &[
            ReleasePlan {
                title: "窗边 By the Window",
                genre: Genre::Folk,
                tracks: 5,
                description: "A folk EP recorded on rainy afternoons. 雨天午后录下的民谣。",
            },
            ReleasePlan {
                title: "Night Study 夜读",
                genre: Genre::Piano,
                tracks: 3,
                description: "Quiet piano pieces for late hours.",
            },
        ],
        popularity: 9,
    },
    ShopPlan {
        slug: "neon-harbour",
        name: "Neon Harbour Records 霓虹港唱片",
        kind: ShopKind::Label,
        bio: "A label for night-drive electronics from the southern coast. 南方海岸的夜行电子乐厂牌。",
        owner: Owner::Persona(LABEL_OWNER),
        legal_name: "霓虹港文化传媒有限公司",
        payout_account: "bank:6222-0000-1234-5678",
        artists: "Neon Harbour Collective",
        prices_fen: &[],
        releases: &[
            ReleasePlan {
                title: "Coastline Grid",
                genre: Genre::Electronic,
                tracks: 5,
                description: "Arpeggios, analogue bass and harbour lights.",
            },
            ReleasePlan {
                title: "午夜航线 Midnight Route",
                genre: Genre::Electronic,
                tracks: 3,
                description: "Three tracks for the last ferry home.",
            },
        ],
        popularity: 10,
    },
    ShopPlan {
        slug: "shanhe",
        name: "山河乐坊 Mountain & River",
        kind: ShopKind::Independent,
        bio: "古琴与山水。Guqin music for mountains, rivers and slow tea.",
        owner: Owner::Background {
            key: "shanhe",
            name: "Chen Shan 陈山",
        },
        legal_name: "陈山",
        payout_account: "alipay:chenshan@example.cn",
        artists: "陈山 Chen Shan",
        prices_fen: &[200, 300, 250],
        releases: &[ReleasePlan {
            title: "高山流水 High Mountains, Flowing Water",
            genre: Genre::Guqin,
            tracks: 6,
            description: "Pentatonic guqin improvisations. 五声音阶的古琴即兴。",
        }],
        popularity: 8,
    },
    ShopPlan {
        slug: "bluestone",
        name: "青石唱片 Bluestone Records",
        kind: ShopKind::Label,
        bio: "Loud guitars since 2009. 自 2009 年起的摇滚厂牌。",
        owner: Owner::Background {
            key: "bluestone",
            name: "Zhao Lei 赵磊",
        },
        legal_name: "青石音乐有限公司",
        payout_account: "bank:6222-0000-8765-4321",
        artists: "North Wind 北风乐队",
        prices_fen: &[],
        releases: &[ReleasePlan {
            title: "北风 North Wind",
            genre: Genre::Rock,
            tracks: 7,
            description: "The debut album of North Wind. 北风乐队首张专辑。",
        }],
        popularity: 7,
    },
    ShopPlan {
        slug: "slow-tide",
        name: "Slow Tide 慢潮",
        kind: ShopKind::Independent,
        bio: "Ambient music for reading, sleeping and waiting for trains.",
        owner: Owner::Background {
            key: "slowtide",
            name: "Ada Brook",
        },
        legal_name: "Ada Brook",
        payout_account: "alipay:ada.brook@example.com",
        artists: "Slow Tide",
        prices_fen: &[0, 80, 100],
        releases: &[ReleasePlan {
            title: "Low Water",
            genre: Genre::Ambient,
            tracks: 7,
            description: "Long tones and slow tides.",
        }],
        popularity: 5,
    },
    ShopPlan {
        slug: "paper-lantern",
        name: "纸灯笼 Paper Lantern",
        kind: ShopKind::Independent,
        bio: "Lo-fi beats made from old records and cassette hiss. 老唱片和磁带声做的 lo-fi。",
        owner: Owner::Background {
            key: "lantern",
            name: "Xu Deng 徐灯",
        },
        legal_name: "徐灯",
        payout_account: "alipay:xudeng@example.cn",
        artists: "Paper Lantern 纸灯笼",
        prices_fen: &[50, 80, 100, 60],
        releases: &[
            ReleasePlan {
                title: "Tea at Four 四点的茶",
                genre: Genre::LoFi,
                tracks: 5,
                description: "Beats for the afternoon slump.",
            },
            ReleasePlan {
                title: "Rooftop Tapes",
                genre: Genre::LoFi,
                tracks: 3,
                description: "Recorded on a rooftop, mostly.",
            },
        ],
        popularity: 9,
    },
    ShopPlan {
        slug: "bamboo",
        name: "竹林琴舍 Bamboo Grove",
        kind: ShopKind::Independent,
        bio: "A small qin house in Hangzhou. 杭州的一间小琴舍。",
        owner: Owner::Background {
            key: "bamboo",
            name: "Su Qin 苏琴",
        },
        legal_name: "苏琴",
        payout_account: "alipay:suqin@example.cn",
        artists: "苏琴 Su Qin",
        prices_fen: &[150, 500, 0],
        releases: &[ReleasePlan {
            title: "竹影 Bamboo Shadows",
            genre: Genre::Guqin,
            tracks: 5,
            description: "Guqin pieces played at dusk.",
        }],
        popularity: 4,
    },
    ShopPlan {
        slug: "morning-keys",
        name: "Morning Keys",
        kind: ShopKind::Independent,
        bio: "Piano sketches, one every morning. 每天早上一段钢琴小品。",
        owner: Owner::Background {
            key: "keys",
            name: "Tom Reed",
        },
        legal_name: "Thomas Reed",
        payout_account: "alipay:tom.reed@example.com",
        artists: "Tom Reed",
        prices_fen: &[90, 120, 0, 180],
        releases: &[ReleasePlan {
            title: "Sketchbook I",
            genre: Genre::Piano,
            tracks: 6,
            description: "Short piano sketches.",
        }],
        popularity: 6,
    },
    ShopPlan {
        slug: "starling",
        name: "Starling & Co. 椋鸟唱片",
        kind: ShopKind::Label,
        bio: "Folk and acoustic records from the hills. 来自山间的民谣厂牌。",
        owner: Owner::Background {
            key: "starling",
            name: "Maggie Hart",
        },
        legal_name: "Starling & Co. Ltd",
        payout_account: "bank:6222-0000-2468-1357",
        artists: "The Starlings",
        prices_fen: &[],
        releases: &[ReleasePlan {
            title: "Hill Songs",
            genre: Genre::Folk,
            tracks: 6,
            description: "Campfire songs from the Starlings.",
        }],
        popularity: 6,
    },
];

/// The shop application waiting for review, with its sample.
pub const PENDING_APPLICATION_ID: &str = "app_demo_pending";
pub const PENDING_SHOP_NAME: &str = "回声山谷 Echo Valley";
pub const PENDING_GENRE: Genre = Genre::Ambient;

/// How many simulated listeners buy in the background.
pub const SIMULATED_LISTENERS: u32 = 200;

pub fn simulated_listener_id(n: u32) -> String {
    format!("usr_demo_sim_{n:03}")
}
