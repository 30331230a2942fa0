/** Shown at `/console` when the gateway runs from a checkout where the console was never built. */
export function notBuiltPage(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Console not built</title></head>
<body>
<main>
<h1>The console has not been built</h1>
<p>This gateway serves the admin and compliance console from <code>dist/console</code>, which does not exist yet.</p>
<p>Build it with <code>npm run build:console</code> (it also runs before <code>npm start</code> and <code>npm run demo</code>), then reload this page.</p>
<p>The JSON API is unaffected and keeps answering.</p>
</main>
</body>
</html>
`;
}
