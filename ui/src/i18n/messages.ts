import type { ErrorCode } from "../ipc";

const en = {
  "app.name": "Shrimp",
  "app.tagline": "Artists keep every yuan",
  "nav.store": "Store",
  "nav.library": "Library",
  "nav.dashboard": "Dashboard",
  "nav.settings": "Settings",
  "nav.label": "Main",
  "store.title": "Store",
  "store.lead":
    "Music sold by independent musicians and labels in their own shops. Every fen you pay goes to the shop.",
  "store.empty.title": "No shops are open yet",
  "store.empty.body": "When musicians and labels open their shops, their releases appear here.",
  "library.title": "Library",
  "library.lead": "The music you own, playable offline.",
  "library.empty.title": "Your library is empty",
  "library.empty.body": "Tracks you buy, and music from folders you add, appear here.",
  "dashboard.title": "Dashboard",
  "dashboard.lead": "Run your shop and watch your income arrive.",
  "dashboard.empty.title": "You have no shop yet",
  "dashboard.empty.body":
    "Open a shop to sell your recordings. After a short review you keep 100% of every sale.",
  "settings.title": "Settings",
  "settings.language": "Language",
  "settings.language.hint": "Follows your system until you choose.",
  "settings.appearance": "Appearance",
  "settings.appearance.body": "Light or dark follows your system.",
  "settings.about": "About",
  "settings.version": "Version",
  "settings.platform": "Platform",
  "settings.dataDir": "Data folder",
  "settings.dataDirState": "Data folder status",
  "settings.writable": "Writable",
  "settings.notWritable": "Cannot write here",
  "status.loading": "Connecting to the Rust core…",
  "status.ready": "Rust core {version} · {platform} · up {uptime}",
  "status.retry": "Retry",
  "status.notWritable": "data folder not writable",
  "error.invalid_input": "Something in the request was not valid.",
  "error.unauthenticated": "Please sign in again.",
  "error.forbidden": "You are not allowed to do that.",
  "error.not_found": "That could not be found.",
  "error.conflict": "That conflicts with a change made elsewhere. Reload and try again.",
  "error.rate_limited": "Too many attempts. Wait a moment and try again.",
  "error.unavailable": "The Shrimp service cannot be reached. Your library still plays offline.",
  "error.storage": "Shrimp cannot use its data folder. Check the disk and its permissions.",
  "error.internal": "Something went wrong inside Shrimp. Try again.",
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const zhCN: Messages = {
  "app.name": "小虾音乐",
  "app.tagline": "音乐人的每一分钱都归自己",
  "nav.store": "商店",
  "nav.library": "音乐库",
  "nav.dashboard": "店铺后台",
  "nav.settings": "设置",
  "nav.label": "主导航",
  "store.title": "商店",
  "store.lead": "独立音乐人和唱片公司在自己的店铺里出售音乐。你支付的每一分钱都归店铺。",
  "store.empty.title": "还没有开张的店铺",
  "store.empty.body": "音乐人和唱片公司开店后，他们的作品会出现在这里。",
  "library.title": "音乐库",
  "library.lead": "你拥有的音乐，离线也能播放。",
  "library.empty.title": "音乐库是空的",
  "library.empty.body": "你购买的曲目和添加的文件夹中的音乐会出现在这里。",
  "dashboard.title": "店铺后台",
  "dashboard.lead": "经营你的店铺，实时查看收入。",
  "dashboard.empty.title": "你还没有店铺",
  "dashboard.empty.body": "开店出售你的录音作品。审核通过后，每笔销售收入 100% 归你。",
  "settings.title": "设置",
  "settings.language": "语言",
  "settings.language.hint": "在你选择之前跟随系统。",
  "settings.appearance": "外观",
  "settings.appearance.body": "浅色或深色跟随系统。",
  "settings.about": "关于",
  "settings.version": "版本",
  "settings.platform": "平台",
  "settings.dataDir": "数据文件夹",
  "settings.dataDirState": "数据文件夹状态",
  "settings.writable": "可写入",
  "settings.notWritable": "无法写入",
  "status.loading": "正在连接 Rust 核心…",
  "status.ready": "Rust 核心 {version} · {platform} · 已运行 {uptime}",
  "status.retry": "重试",
  "status.notWritable": "数据文件夹无法写入",
  "error.invalid_input": "请求中有无效的内容。",
  "error.unauthenticated": "请重新登录。",
  "error.forbidden": "你没有权限这样做。",
  "error.not_found": "没有找到。",
  "error.conflict": "与其他地方的修改冲突。请刷新后重试。",
  "error.rate_limited": "尝试次数过多，请稍后再试。",
  "error.unavailable": "无法连接小虾音乐服务。你的音乐库仍可离线播放。",
  "error.storage": "小虾音乐无法使用数据文件夹。请检查磁盘和权限。",
  "error.internal": "小虾音乐内部出错了，请重试。",
};

export const languages = ["en", "zh-CN"] as const;
export type Language = (typeof languages)[number];

export const languageNames: Record<Language, string> = { en: "English", "zh-CN": "简体中文" };

export const catalogs: Record<Language, Messages> = { en, "zh-CN": zhCN };

/** The message key that explains an error code to a person. */
export function errorKey(code: ErrorCode): MessageKey {
  return `error.${code}`;
}
