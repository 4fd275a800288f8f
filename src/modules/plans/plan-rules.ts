import type { PlanData, PlanOpportunity, PlanPhase } from '../../contracts/plans.ts';
import type { Marketplace } from '../../contracts/tasks.ts';
import type { ExtractedReport } from './plan-files.ts';
import { generatePhase1 } from './plan-normalize.ts';

/**
 * The deterministic planner (the default, and the fallback when a model fails): reads the report's columns
 * (SKU, title, price, stock, sales, views, conversion, rating, in English or Portuguese) or its text, plus
 * the org's synced data per channel, and writes opportunities and three phases.
 */

/** The org's synced data for one channel (stores of that platform). */
export interface ChannelFacts {
  channel: Marketplace;
  stores: number;
  listings: number;
  outOfStockListings: number;
  orders30d: number;
  cancelled30d: number;
}

type Role = 'sku' | 'title' | 'price' | 'stock' | 'sales' | 'views' | 'conversion' | 'rating';

const rolePatterns: Array<[Role, RegExp]> = [
  ['conversion', /conver|cvr/],
  ['rating', /rating|avalia|nota|stars|estrela|review score/],
  ['views', /view|visit|sess|impress|clicks|acess/],
  ['sales', /sales|venda|vendid|sold|units ordered|unidades|pedidos|orders/],
  ['stock', /stock|estoque|inventor|availab|dispon|quantity|quantidade|qty/],
  ['price', /price|preco|valor|amount/],
  ['sku', /^(sku|seller sku|asin|mlb|item id|codigo|code|id)$|sku/],
  ['title', /title|titulo|nome|name|produto|product|anuncio|listing/],
];

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();

/** Column -> role, the first pattern that matches each header (each role taken once). */
export function detectColumns(columns: string[]): Partial<Record<Role, string>> {
  const found: Partial<Record<Role, string>> = {};
  for (const column of columns) {
    const name = fold(column);
    const role = rolePatterns.find(([r, re]) => !found[r] && re.test(name))?.[0];
    if (role) found[role] = column;
  }
  return found;
}

/** "1.234,56", "R$ 12,90", "3.5%", "1,234.5" -> a number (NaN when absent). */
export function toNumber(raw: string | undefined): number {
  if (raw === undefined) return Number.NaN;
  let s = raw.replace(/[^\d,.-]/g, '');
  if (s === '' || s === '-') return Number.NaN;
  const comma = s.lastIndexOf(',');
  const dot = s.lastIndexOf('.');
  if (comma > dot) s = s.replace(/\./g, '').replace(',', '.');
  else s = s.replace(/,/g, '');
  return Number(s);
}

interface Item {
  label: string;
  price: number;
  stock: number;
  sales: number;
  views: number;
  conversion: number;
  rating: number;
  titleLength: number;
}

function itemsOf(report: Extract<ExtractedReport, { kind: 'table' }>): { items: Item[]; roles: Partial<Record<Role, string>> } {
  const roles = detectColumns(report.columns);
  const items = report.rows.map((row, i) => {
    const title = roles.title ? (row[roles.title] ?? '') : '';
    const sku = roles.sku ? (row[roles.sku] ?? '') : '';
    const rawConversion = roles.conversion ? row[roles.conversion] : undefined;
    let conversion = toNumber(rawConversion);
    if (rawConversion?.includes('%') || conversion > 1) conversion /= 100; // "3.5" or "3.5%" -> 0.035
    return {
      label: sku || title.slice(0, 60) || `row ${i + 2}`,
      price: toNumber(roles.price ? row[roles.price] : undefined),
      stock: toNumber(roles.stock ? row[roles.stock] : undefined),
      sales: toNumber(roles.sales ? row[roles.sales] : undefined),
      views: toNumber(roles.views ? row[roles.views] : undefined),
      conversion,
      rating: toNumber(roles.rating ? row[roles.rating] : undefined),
      titleLength: roles.title ? title.trim().length : Number.NaN,
    };
  });
  return { items, roles };
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

const examples = (items: Item[]) =>
  items
    .slice(0, 5)
    .map((i) => i.label)
    .join(', ');

type Finding = Omit<PlanOpportunity, 'channel'> & { score: number };

function tableFindings(report: Extract<ExtractedReport, { kind: 'table' }>): Finding[] {
  const { items } = itemsOf(report);
  const out: Finding[] = [];
  const has = (k: keyof Item) => items.some((i) => Number.isFinite(i[k]));
  const bySales = (a: Item, b: Item) => (b.sales || 0) - (a.sales || 0);

  if (has('stock') && has('sales')) {
    const stockouts = items.filter((i) => i.stock <= 0 && i.sales > 0).sort(bySales);
    if (stockouts.length > 0)
      out.push({
        title: `Restock ${stockouts.length} selling item(s) that are out of stock`,
        what: `Replenish and reactivate: ${examples(stockouts)}`,
        why: 'Items that sold in the period have no stock left: every day out of stock loses their sales and their ranking.',
        priority: 'high',
        impact: `${stockouts.reduce((s, i) => s + i.sales, 0)} units sold in the period are at risk`,
        score: 100 + stockouts.length,
      });
    const low = items.filter((i) => i.stock > 0 && i.sales > 0 && i.stock < i.sales / 2).sort(bySales);
    if (low.length > 0)
      out.push({
        title: `Reorder ${low.length} item(s) with less than two weeks of cover`,
        what: `Place replenishment orders for: ${examples(low)}`,
        why: 'Stock left covers less than half of the units sold in the period at the current sales velocity.',
        priority: 'high',
        impact: 'Avoids the next stock-outs of the best sellers',
        score: 90 + low.length,
      });
    const dead = items.filter((i) => i.stock > 0 && i.sales === 0);
    if (dead.length > 0)
      out.push({
        title: `Move ${dead.length} item(s) with stock and no sales`,
        what: `Reprice, promote or bundle: ${examples(dead)}`,
        why: 'Stock that does not sell ties up cash and storage fees.',
        priority: 'medium',
        impact: `${dead.reduce((s, i) => s + i.stock, 0)} units of idle stock`,
        score: 50 + dead.length,
      });
  }
  if (has('views') && (has('conversion') || has('sales'))) {
    const medianViews = median(items.map((i) => i.views));
    const weak = items
      .filter((i) => i.views >= medianViews && i.views > 0)
      .filter((i) => (Number.isFinite(i.conversion) ? i.conversion : (i.sales || 0) / i.views) < 0.01);
    if (weak.length > 0)
      out.push({
        title: `Improve the listings of ${weak.length} high-traffic item(s) that convert below 1%`,
        what: `Rework images, title, bullet points and price of: ${examples(weak)}`,
        why: 'They get at least the median traffic but fewer than 1 in 100 visits buy.',
        priority: 'high',
        impact: 'Doubling their conversion to 2% doubles their sales with the same traffic',
        score: 95 + weak.length,
      });
  }
  if (has('rating')) {
    const poor = items.filter((i) => i.rating > 0 && i.rating < 4);
    if (poor.length > 0)
      out.push({
        title: `Fix the causes of low ratings on ${poor.length} item(s)`,
        what: `Read the recent reviews and fix the product, packaging or description of: ${examples(poor)}`,
        why: 'Ratings under 4 stars lower conversion and the channel’s search ranking.',
        priority: 'medium',
        impact: 'Ratings above 4 stars',
        score: 60 + poor.length,
      });
  }
  if (has('titleLength')) {
    const short = items.filter((i) => i.titleLength > 0 && i.titleLength < 40);
    if (short.length > 0)
      out.push({
        title: `Rewrite ${short.length} short title(s)`,
        what: `Add brand, product type, key attributes and size to the titles of: ${examples(short)}`,
        why: 'Titles under 40 characters miss the search terms buyers use.',
        priority: 'medium',
        impact: 'More search impressions',
        score: 40 + short.length,
      });
  }
  if (has('price')) {
    const m = median(items.map((i) => i.price));
    const high = items.filter((i) => i.price > m * 1.5);
    if (Number.isFinite(m) && high.length > 0)
      out.push({
        title: `Review the price of ${high.length} item(s) far above the report's median`,
        what: `Compare with competing offers and adjust: ${examples(high)}`,
        why: `Their price is over 1.5 times the median (${m.toFixed(2)}).`,
        priority: 'low',
        impact: 'Better price position in the buy box',
        score: 20 + high.length,
      });
  }
  return out;
}

const keywordRules: Array<{ re: RegExp; finding: Omit<Finding, 'score'> }> = [
  {
    re: /stock|estoque|ruptura|out of stock|sem estoque/i,
    finding: {
      title: 'Close the stock gaps the report names',
      what: 'List the items the report flags as short of stock and place replenishment orders',
      why: 'The report mentions stock problems; stock-outs lose sales and ranking.',
      priority: 'high',
      impact: 'Sales recovered on the affected items',
    },
  },
  {
    re: /convers|conversion|cvr/i,
    finding: {
      title: 'Raise conversion on the listings the report names',
      what: 'Rework images, titles and descriptions of the weakest listings',
      why: 'The report points at conversion.',
      priority: 'high',
      impact: 'More sales with the same traffic',
    },
  },
  {
    re: /pre[cç]o|price|pricing/i,
    finding: {
      title: 'Review pricing against competing offers',
      what: 'Compare the prices the report mentions with the channel median and adjust',
      why: 'The report discusses price position.',
      priority: 'medium',
      impact: 'Better price position',
    },
  },
  {
    re: /review|avalia[cç]|rating|reclama/i,
    finding: {
      title: 'Act on customer reviews and complaints',
      what: 'Answer open reviews and fix the recurring complaint the report names',
      why: 'The report mentions reviews or complaints.',
      priority: 'medium',
      impact: 'Higher ratings',
    },
  },
  {
    re: /ads|anúncio patrocinado|advertis|campanha|campaign/i,
    finding: {
      title: 'Rebalance advertising spend',
      what: 'Move budget from campaigns with poor return to the best-selling items',
      why: 'The report covers advertising.',
      priority: 'medium',
      impact: 'Lower cost per sale',
    },
  },
];

function textFindings(text: string): Finding[] {
  return keywordRules.filter((k) => k.re.test(text)).map((k, i) => ({ ...k.finding, score: (k.finding.priority === 'high' ? 80 : 40) - i }));
}

function factFindings(f: ChannelFacts): Finding[] {
  const out: Finding[] = [];
  if (f.outOfStockListings > 0)
    out.push({
      title: `Restock ${f.outOfStockListings} out-of-stock listing(s) on ${f.channel}`,
      what: `Replenish or pause the ${f.outOfStockListings} listing(s) with no stock in Nexo's last sync`,
      why: 'Listings without stock lose their ranking on the channel.',
      priority: 'high',
      impact: `${f.outOfStockListings} of ${f.listings} listings unavailable`,
      score: 98,
    });
  const rate = f.orders30d > 0 ? f.cancelled30d / f.orders30d : 0;
  if (f.orders30d >= 10 && rate > 0.05)
    out.push({
      title: `Bring the cancellation rate on ${f.channel} under 5%`,
      what: 'Find why orders are cancelled (stock, price errors, delays) and fix the main cause',
      why: `${(rate * 100).toFixed(1)}% of the last 30 days' orders were cancelled; channels penalize sellers above their limit.`,
      priority: 'high',
      impact: `${f.cancelled30d} cancelled orders in 30 days`,
      score: 97,
    });
  return out;
}

function phasesFor(opportunities: PlanOpportunity[], channels: Marketplace[]): PlanPhase[] {
  const pick = (priority: PlanOpportunity['priority']) =>
    opportunities.filter((o) => o.priority === priority).map((o) => `${o.title}: ${o.what}`.slice(0, 500));
  const phase1 = generatePhase1(opportunities, channels);
  const rest = opportunities.filter((o) => !phase1.tasks.includes(`${o.title}: ${o.what}`.slice(0, 500)));
  const medium = pick('medium').filter((t) => rest.some((o) => t.startsWith(o.title)));
  return [
    phase1,
    {
      number: 2,
      name: 'Phase 2 - Listing optimization',
      weeks: 'Weeks 5-8',
      tasks: medium.length > 0 ? medium : ['Review the results of Phase 1 and repeat the changes that worked on the next best-selling items'],
      investment: 'Internal team; photography or copywriting where needed',
      expectedImpact: 'Conversion and ranking gains on the optimized listings',
    },
    {
      number: 3,
      name: 'Phase 3 - Scale',
      weeks: 'Weeks 9-12',
      tasks: [
        ...pick('low').filter((t) => rest.some((o) => t.startsWith(o.title))),
        'Extend the best-performing listings to the other connected channels',
        'Set up a weekly review of stock cover, conversion and ratings',
      ],
      investment: 'Advertising budget for the best sellers',
      expectedImpact: 'Sustained growth with the gains of phases 1 and 2',
    },
  ];
}

/** The rules' plan for the selected channels: report findings apply to each channel, synced facts to their own. */
export function rulesPlan(report: ExtractedReport, channels: Marketplace[], facts: ChannelFacts[]): PlanData {
  const fromReport = report.kind === 'table' ? tableFindings(report) : textFindings(report.text);
  const scored: Array<PlanOpportunity & { score: number }> = [];
  for (const channel of channels) {
    for (const f of fromReport) scored.push({ ...f, title: channels.length > 1 ? `${f.title} (${channel})` : f.title, channel });
    const own = facts.find((f) => f.channel === channel);
    if (own) for (const f of factFindings(own)) scored.push({ ...f, channel });
  }
  scored.sort((a, b) => b.score - a.score);
  const opportunities: PlanOpportunity[] = scored.slice(0, 30).map(({ score: _score, ...o }) => o);
  const rows =
    report.kind === 'table'
      ? `${report.totalRows} row(s), columns: ${Object.keys(detectColumns(report.columns)).join(', ') || 'none recognized'}`
      : `${report.text.length} characters of text`;
  const synced = facts
    .map((f) => `${f.channel}: ${f.listings} listing(s), ${f.outOfStockListings} out of stock, ${f.orders30d} order(s) in 30 days`)
    .join('; ');
  const summary = [
    `Deterministic analysis of the report (${rows}) for ${channels.join(', ')}.`,
    synced ? `Synced data: ${synced}.` : 'No synced store data for these channels yet.',
    `${opportunities.length} opportunity(ies), ${opportunities.filter((o) => o.priority === 'high').length} of high priority.`,
  ].join(' ');
  return { summary, opportunities, phases: phasesFor(opportunities, channels) };
}
