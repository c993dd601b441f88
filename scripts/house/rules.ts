// The house rules as data: the size limits and the imports each room may never make. The checker
// (check.ts) only applies them, so a new room or a new never is one line here.

/** Folders whose TypeScript the house rules cover, relative to the repository root. */
export const CHECKED_DIRS = ['src', 'webview'];

/** Longest function (first to last line, arrows and methods included) and longest file, in lines. */
export const MAX_FUNCTION_LINES = 60;
export const MAX_FILE_LINES = 300;

export interface ImportRule {
  /** The importing files: a folder prefix such as 'webview/'. */
  from: string;
  /** What they may never import: folder prefixes ('src/core/') or package names ('vscode'). */
  never: string[];
  /** Files under `from` allowed to break this rule anyway, each with the reason. */
  except?: Record<string, string>;
  why: string;
}

export const IMPORT_RULES: ImportRule[] = [
  {
    from: 'webview/',
    never: ['src/core/', 'src/extension/', 'src/trainer/', 'src/store/'],
    why: 'the webviews render what the message contract (src/protocol) carries',
  },
  {
    from: 'src/protocol/',
    never: ['src/core/', 'src/store/', 'src/trainer/', 'src/extension/', 'webview/'],
    why: 'the contract is the ground floor: it imports nothing above it',
  },
  {
    from: 'src/core/',
    never: ['vscode', 'src/extension/', 'src/trainer/', 'src/store/', 'webview/'],
    why: 'the science runs headless, in the trainer and in tests, without the editor or the disk layout',
  },
  {
    from: 'src/store/',
    never: ['vscode', 'src/extension/', 'src/trainer/', 'src/report/', 'webview/'],
    why: 'the folders on disk are read and written the same way by the trainer, the host and the report',
  },
  {
    from: 'src/report/',
    never: ['vscode', 'src/extension/', 'src/trainer/', 'webview/'],
    why: 'the HTML report renders folders (src/store) for the CLI and the editor alike',
  },
  {
    from: 'src/extension/',
    never: ['src/trainer/'],
    // The host runs the trainer as a separate process (dist/cli.js); only the launcher may know it.
    except: {
      'src/extension/trainerRunner.ts': 'forks the bundled trainer CLI (dist/cli.js) for runs and sweeps',
      'src/extension/launchPlan.ts': 'chooses the runtime that starts the trainer CLI',
    },
    why: 'the host imports the trainer only to launch it; run and sweep folders are read through src/store',
  },
];
