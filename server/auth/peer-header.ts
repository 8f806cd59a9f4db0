/**
 * The custom server (server/index.ts) puts the TCP peer's address in this request header, replacing
 * anything a client sent under that name, so rate limits count real connecting addresses.
 */
export const PEER_HEADER = "x-layerlab-peer";
