import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { Show } from '../components.js';

interface LineageNode {
  id: string;
  kind: 'source' | 'view' | 'on_demand' | 'service' | 'dataset';
  name: string;
  href: string;
  status?: string;
}
interface Lineage {
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

const COLUMNS: [LineageNode['kind'], string][] = [
  ['source', 'Sources'],
  ['view', 'Feature views'],
  ['on_demand', 'On-demand views'],
  ['service', 'Feature services'],
  ['dataset', 'Training datasets'],
];
const COL_W = 210;
const NODE_W = 170;
const NODE_H = 34;
const ROW_H = 54;
const TOP = 40;

/** Columns laid out left to right in data-flow order; each node links to its page. */
function Graph({ g }: { g: Lineage }) {
  const pos = new Map<string, { x: number; y: number }>();
  const rows = Math.max(1, ...COLUMNS.map(([k]) => g.nodes.filter((n) => n.kind === k).length));
  const height = TOP + rows * ROW_H + 10;
  COLUMNS.forEach(([kind], c) => {
    const col = g.nodes.filter((n) => n.kind === kind);
    const offset = ((rows - col.length) * ROW_H) / 2;
    for (const [r, n] of col.entries()) pos.set(n.id, { x: 10 + c * COL_W, y: TOP + offset + r * ROW_H });
  });
  const width = 10 + COLUMNS.length * COL_W;
  return html`<svg class="lineage" viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} data-testid="lineage-graph">
    ${COLUMNS.map(([, label], c) => html`<text class="col-title" x=${10 + c * COL_W + NODE_W / 2} y="18" text-anchor="middle">${label}</text>`)}
    ${g.edges.map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      if (!a || !b) return null;
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mx = (x1 + x2) / 2;
      return html`<path class="edge" data-edge=${`${e.from}->${e.to}`} d=${`M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`} />`;
    })}
    ${g.nodes.map((n) => {
      const p = pos.get(n.id)!;
      return html`<a href=${n.href} data-node=${n.id}>
        <rect class=${`node node-${n.kind} ${n.status ? `st-${n.status}` : ''}`} x=${p.x} y=${p.y} width=${NODE_W} height=${NODE_H} rx="6" />
        <text x=${p.x + 10} y=${p.y + 21}>${n.name.length > 24 ? `${n.name.slice(0, 23)}…` : n.name}</text>
        <title>${n.kind.replace('_', '-')}: ${n.name}${n.status ? ` (${n.status})` : ''}</title>
      </a>`;
    })}
  </svg>`;
}

export function LineagePage() {
  const lineage = useApi<Lineage>('/api/lineage');
  return html`<h1>Lineage</h1>
    <p class="muted">Data flows left to right. Click a node to open it.</p>
    <${Show} loaded=${lineage}>${(g: Lineage) => html`<div class="scroll"><${Graph} g=${g} /></div>`}<//>`;
}
