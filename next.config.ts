import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native modules and the Prisma client stay out of the bundle; the custom server loads them from node_modules.
  serverExternalPackages: ["node-pty", "better-sqlite3", "@prisma/adapter-better-sqlite3", "ws"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
