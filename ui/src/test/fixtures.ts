import type {
  ApplicationView,
  AppStatus,
  BackendStatus,
  Dashboard,
  OrderView,
  PersonaView,
  ReleaseView,
  ShopMoney,
  ShopView,
  StoreHome,
  TrackView,
  UserView,
} from "../ipc";

export const readyStatus: AppStatus = {
  version: "0.1.0",
  platform: "linux x86_64",
  dataDir: "/home/listener/.local/share/shrimp",
  dataDirWritable: true,
  uptimeSeconds: 75,
};

export const personas: PersonaView[] = [
  { key: "listener", display_name: "Mei 小美", email: "listener@demo.shrimp.local" },
  { key: "musician", display_name: "Lin Xiaoyu 林小雨", email: "musician@demo.shrimp.local" },
  { key: "label", display_name: "Harbour Wang 王港", email: "label@demo.shrimp.local" },
  { key: "reviewer", display_name: "Reviewer Zhou 周审", email: "reviewer@demo.shrimp.local" },
  { key: "applicant", display_name: "Echo Valley 回声山谷", email: "applicant@demo.shrimp.local" },
];

export const users: Record<string, UserView> = {
  listener: {
    id: "usr_demo_listener",
    email: "listener@demo.shrimp.local",
    display_name: "Mei 小美",
    roles: ["listener"],
    shop_id: null,
  },
  musician: {
    id: "usr_demo_musician",
    email: "musician@demo.shrimp.local",
    display_name: "Lin Xiaoyu 林小雨",
    roles: ["listener", "shop_owner"],
    shop_id: "shp_rain",
  },
  reviewer: {
    id: "usr_demo_reviewer",
    email: "reviewer@demo.shrimp.local",
    display_name: "Reviewer Zhou 周审",
    roles: ["listener", "reviewer"],
    shop_id: null,
  },
};

/** The demo backend, ready, signed in as `persona`. */
export function backendReady(persona: keyof typeof users = "listener"): BackendStatus {
  return {
    mode: "demo",
    phase: { phase: "ready" },
    persona,
    user: users[persona] ?? null,
    personas,
  };
}

export function backendStarting(seed: BackendStatus["phase"] | null = null): BackendStatus {
  return {
    mode: "demo",
    phase: seed ?? { phase: "starting", seed: null },
    persona: null,
    user: null,
    personas,
  };
}

export const rainShop: ShopView = {
  id: "shp_rain",
  name: "Rain Studio 雨声工作室",
  kind: "independent",
  bio: "Lin Xiaoyu records folk songs in a small room in Chengdu.",
};

export const harbourShop: ShopView = {
  id: "shp_harbour",
  name: "Harbour Records",
  kind: "label",
  bio: "A label for electronic music from the coast.",
};

export function track(overrides: Partial<TrackView> = {}): TrackView {
  return {
    id: "trk_1",
    shop_id: rainShop.id,
    shop_name: rainShop.name,
    shop_kind: "independent",
    title: "Spring Rain 春雨",
    artists: "Lin Xiaoyu",
    genre: "folk",
    price: 120,
    duration_ms: 125_000,
    has_audio: true,
    has_cover: true,
    release_id: "rel_1",
    release_title: "Small Room",
    track_number: 1,
    published: true,
    lyrics: null,
    downloads: 42,
    created_at_ms: 1_780_000_000_000,
    ...overrides,
  };
}

export function release(overrides: Partial<ReleaseView> = {}): ReleaseView {
  return {
    id: "rel_1",
    shop_id: rainShop.id,
    shop_name: rainShop.name,
    shop_kind: "independent",
    title: "Small Room",
    artists: "Lin Xiaoyu",
    genre: "folk",
    description: "Songs recorded at night.",
    has_cover: true,
    track_count: 2,
    duration_ms: 245_000,
    created_at_ms: 1_780_000_000_000,
    ...overrides,
  };
}

export const harbourTrack = track({
  id: "trk_2",
  shop_id: harbourShop.id,
  shop_name: harbourShop.name,
  shop_kind: "label",
  title: "Tide Lines",
  artists: "Harbour Ensemble",
  genre: "electronic",
  price: 80,
  release_id: "rel_2",
  release_title: "Coast",
});

export const freeTrack = track({ id: "trk_3", title: "Free Morning", price: 0 });

export const storeHome: StoreHome = {
  new_releases: [
    release(),
    release({
      id: "rel_2",
      title: "Coast",
      shop_id: harbourShop.id,
      shop_name: harbourShop.name,
      shop_kind: "label",
      has_cover: false,
    }),
  ],
  top_tracks: [track(), harbourTrack, freeTrack],
  genres: [
    { genre: "folk", tracks: 12 },
    { genre: "electronic", tracks: 9 },
  ],
  featured_shops: [rainShop, harbourShop],
  selling_now: [
    {
      track_id: "trk_2",
      track_title: "Tide Lines",
      artists: "Harbour Ensemble",
      shop_id: harbourShop.id,
      shop_name: harbourShop.name,
      has_cover: true,
      price: 80,
      at_ms: Date.now() - 3 * 60_000,
    },
  ],
};

export const emptyStoreHome: StoreHome = {
  new_releases: [],
  top_tracks: [],
  genres: [],
  featured_shops: [],
  selling_now: [],
};

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    id: "ord_1",
    track_id: "trk_1",
    shop_id: rainShop.id,
    amount: 120,
    status: "paid",
    created_at_ms: 1_780_000_000_000,
    ...overrides,
  };
}

const DAY = 86_400_000;

export function dashboard(overrides: Partial<Dashboard> = {}): Dashboard {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return {
    shop_id: rainShop.id,
    summary: {
      today: 240,
      this_month: 4_560,
      all_time: 123_450,
      balance: 98_700,
      sales_count: 321,
    },
    daily: Array.from({ length: 90 }, (_, index) => ({
      day_start_ms: today - (89 - index) * DAY,
      sales: (index % 7) * 80,
      count: index % 7,
      // Subscriber downloads on every third day earn part of the month's share.
      subscription_share: index % 3 === 0 ? 25 : 0,
    })),
    tracks: [
      {
        track_id: "trk_1",
        title: "Spring Rain 春雨",
        sales: 6_000,
        count: 50,
        downloads: 61,
        subscriber_downloads: 9,
      },
      {
        track_id: "trk_3",
        title: "Free Morning",
        sales: 0,
        count: 0,
        downloads: 120,
        subscriber_downloads: 70,
      },
    ],
    ...overrides,
  };
}

export function application(overrides: Partial<ApplicationView> = {}): ApplicationView {
  return {
    id: "app_1",
    applicant_id: "usr_demo_applicant",
    state: "submitted",
    draft: {
      kind: "independent",
      shop_name: "Echo Valley 回声山谷",
      legal_name: "Zhang Wei",
      contact: "echo@example.com",
      payout_account: "alipay:echo@example.com",
      declares_own_copyright_no_covers: true,
    },
    has_sample: true,
    rejection_reason: null,
    shop_id: null,
    history: [
      {
        actor_id: "usr_demo_applicant",
        action: "submit",
        from_state: "draft",
        to_state: "submitted",
        reason: null,
        at_ms: 1_780_000_000_000,
      },
    ],
    ...overrides,
  };
}

export function shopMoney(overrides: Partial<ShopMoney> = {}): ShopMoney {
  return {
    share: {
      month: "2026-11",
      pool: 5_000,
      downloads: 25,
      total_downloads: 100,
      projected_share: 1_234,
    },
    settled: [
      {
        month: "2026-10",
        pool: 100_000,
        downloads: 30,
        total_downloads: 120,
        share: 25_000,
        settled_at_ms: 1_780_000_000_000,
      },
    ],
    balance: 98_700,
    paid_out: 20_000,
    payouts: [
      {
        id: "pay_1",
        amount: 20_000,
        sent: true,
        payout_account: "alipay:rain@example.com",
        requested_at_ms: 1_780_000_000_000,
      },
    ],
    ...overrides,
  };
}
