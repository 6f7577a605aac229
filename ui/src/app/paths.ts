/** Every screen's path; the end-to-end tests use these too. */
export const paths = {
  store: "/store",
  orders: "/store/orders",
  subscription: "/store/subscription",
  shop: (id: string) => `/store/shop/${encodeURIComponent(id)}`,
  release: (id: string) => `/store/release/${encodeURIComponent(id)}`,
  track: (id: string) => `/store/track/${encodeURIComponent(id)}`,
  library: "/library",
  dashboard: "/dashboard",
  review: "/review",
  openShop: "/shop/open",
  myTracks: "/shop/tracks",
  settings: "/settings",
};
