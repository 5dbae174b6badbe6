/* global document, window, location */
/**
 * The console's root: top navigation, the API token, and a hash router over the pages
 * (#/collections/<db>, #/collection/<db>/<name>, #/processes, #/search/<db>/<name>).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getToken, setToken } from './api.js';
import { html } from './components.js';
import { CollectionPage } from './pages/collection.js';
import { CollectionsPage } from './pages/collections.js';
import { ProcessesPage } from './pages/processes.js';
import { SearchPage } from './pages/search.js';

function parseRoute(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [page = 'collections', a, b] = parts;
  return { page, db: a || 'default', name: b ?? null };
}

function useHashRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const navigate = (hash) => {
  location.hash = hash;
};

/** Bearer token (`user:password` or an API key), kept in sessionStorage for this tab only. */
function TokenInput({ onChange }) {
  const [value, setValue] = useState(getToken());
  const save = (e) => {
    e.preventDefault();
    setToken(value.trim());
    onChange();
  };
  return html`<form class="token" onSubmit=${save}>
    <label class="inline">Token
      <input type="password" autocomplete="off" placeholder="user:password or API key (when auth is on)"
        value=${value} onInput=${(e) => setValue(e.currentTarget.value)} data-testid="token-input" />
    </label>
    <button type="submit">Use</button>
  </form>`;
}

function Page({ route, generation }) {
  switch (route.page) {
    case 'collection':
      return route.name
        ? html`<${CollectionPage} key=${generation} db=${route.db} name=${route.name} />`
        : html`<${CollectionsPage} key=${generation} db=${route.db} navigate=${navigate} />`;
    case 'processes':
      return html`<${ProcessesPage} key=${generation} />`;
    case 'search':
      return html`<${SearchPage} key=${`${generation}/${route.db}/${route.name}`} db=${route.db} collection=${route.name} navigate=${navigate} />`;
    default:
      return html`<${CollectionsPage} key=${generation} db=${route.db} navigate=${navigate} />`;
  }
}

function App() {
  const route = useHashRoute();
  // A new token remounts the page, so it reloads with the new credentials.
  const [generation, setGeneration] = useState(0);
  const section = route.page === 'collection' ? 'collections' : route.page;
  const link = (page, label) => html`<a href=${`#/${page}`} class=${section === page ? 'active' : ''}>${label}</a>`;
  return html`<header>
      <a class="brand" href="#/collections">quiver</a>
      <nav>${link('collections', 'Collections')} ${link('processes', 'Processes')} ${link('search', 'Search')}</nav>
      <${TokenInput} onChange=${() => setGeneration((g) => g + 1)} />
    </header>
    <main><${Page} route=${route} generation=${generation} /></main>`;
}

const root = document.getElementById('root');
// Preact renders beside existing children: drop the loading note first.
root.textContent = '';
render(html`<${App} />`, root);
