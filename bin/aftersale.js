#!/usr/bin/env node
// The `aftersale` command (npx aftersale serve | migrate | seed-demo | classify): runs the TypeScript
// sources through tsx, the same way `npm start` does, so there is no separate build to forget.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
