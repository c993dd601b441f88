// Imported first by main.ts, before any schema is built: zod 4 probes `new Function` when a schema
// is constructed to pick a compiled fast path. Under the panel's CSP (no 'unsafe-eval') that probe
// fails anyway, but Chromium still reports it as a CSP violation, so turn it off up front.
import { z } from 'zod';

z.config({ jitless: true });
