/**
 * The console's one HTML page. Navigation happens in the page (hash routes), so every console
 * URL serves this document; the import map lets the modules import preact and htm by name.
 */
import { IMPORT_MAP } from './assets.ts';

/** The HTML document of the console. */
export function consolePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>quiver console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/style.css">
<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script type="module" src="/console/app.js"></script>
</head>
<body>
<div id="root"><p class="loading">Loading the console…</p></div>
<noscript>The quiver console needs JavaScript.</noscript>
</body>
</html>
`;
}
