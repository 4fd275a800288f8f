import type { Marketplace } from '../../../contracts/tasks.ts';
import {
  cancellationRate,
  lowStock,
  missingAttributes,
  noVideo,
  outOfStock,
  priceAboveMedian,
  priceBelowMedian,
  salesDecline,
  stalePrice,
  titlePromotional,
  titleTooLong,
  titleTooShort,
  tooFewImages,
} from './checks.ts';
import type { RulePack } from './rule.types.ts';

/**
 * One rule pack per marketplace. Thresholds marked "published" come from the channel's own listing rules
 * (cited in each source); "Nexo default" marks a threshold the channel does not publish (our starting
 * point, overridable per org through the agent's knowledge). docs/agents-rules.md lists them all.
 */

const NEXO = 'Nexo default (no published channel threshold)';

/** Shared by every channel: terms that are promotional claims, not product facts (English and Portuguese). */
const promotional = [
  'free shipping',
  'frete gratis',
  'frete grátis',
  'best seller',
  'bestseller',
  'best-seller',
  'mais vendido',
  'hot sale',
  'on sale',
  'sale',
  'promoção',
  'promocao',
  'promo',
  'oferta',
  'desconto',
  'discount',
  'cheapest',
  'limited time',
  'imperdível',
  '100% quality',
  'top quality',
  'gift idea',
];

/** Stock, trend, price-age rules every channel with orders shares (Nexo defaults: inventory practice, not a channel's rule). */
const operations = (source: { cancellation: string; cancellationRatePct: number }) => [
  lowStock({ source: `${NEXO}: ${14}-day stock cover at the 30-day sales velocity (inventory practice)` }),
  outOfStock({ source: `${NEXO}: out-of-stock listings lose ranking on every channel` }),
  salesDecline({ source: `${NEXO}: last 14 days vs the 14 days before` }),
  stalePrice({ source: `${NEXO}: only when the listing's fields carry priceUpdatedAt` }),
  cancellationRate({ source: source.cancellation, thresholds: { maxRatePct: source.cancellationRatePct } }),
];

const amazon: RulePack = {
  marketplace: 'amazon',
  channel: 'Amazon',
  platforms: ['amazon'],
  promotionalTerms: promotional,
  rules: [
    titleTooLong({
      source:
        'Amazon Seller Central, "Product title requirements and guidelines" (200 characters max. including spaces; no promotional phrases) — https://sellercentral.amazon.com/help/hub/reference/external/GYTR6SYGFA5E3EQC',
      thresholds: { maxChars: 200 },
    }),
    titleTooShort({ source: `${NEXO}: 30 characters (Amazon asks for brand, product type and key attributes but sets no minimum)` }),
    titlePromotional({
      source:
        'Amazon Seller Central, "Product title requirements and guidelines": no promotional phrases such as "free shipping", "best seller", "100% quality guaranteed" — https://sellercentral.amazon.com/help/hub/reference/external/GYTR6SYGFA5E3EQC',
    }),
    tooFewImages({
      source:
        'Amazon Seller Central, "Product image requirements" (a main image is required; Amazon recommends at least 6 images and a video) — https://sellercentral.amazon.com/help/hub/reference/external/G1881',
      thresholds: { minImages: 6 },
    }),
    noVideo({
      source:
        'Amazon Seller Central, "Product image requirements" / "Upload and manage videos" (video recommended on the detail page) — https://sellercentral.amazon.com/help/hub/reference/external/G1881',
    }),
    missingAttributes({
      source:
        'Amazon Seller Central, "Product detail page rules" (complete product type, attributes and description; bullet points and A+ content) — https://sellercentral.amazon.com/help/hub/reference/external/G200390640; 100-character description minimum is a Nexo default',
    }),
    priceAboveMedian({
      source:
        'Amazon "Fair Pricing Policy" and Buy Box competitiveness — https://sellercentral.amazon.com/help/hub/reference/external/G5TUVJKZHUVMN77V; the 25 % gap to the median of comparable items is a Nexo default',
    }),
    ...operations({
      cancellation:
        'Amazon Account Health, "Cancellation Rate" (seller-cancelled orders should stay under 2.5 %) — https://sellercentral.amazon.com/help/hub/reference/external/G200285210; Nexo counts every cancelled order',
      cancellationRatePct: 2.5,
    }),
  ],
  bestPractices: [
    'Title: brand + product type + key attributes (material, size, colour, quantity), at most 200 characters, no promotional claims.',
    'Main image on a pure white background filling 85 % of the frame; at least 6 images plus a video.',
    'Five bullet points with benefits; A+ content for brand-registered products.',
  ],
  algorithmNotes: ['Amazon search (A10) weighs sales velocity, conversion and availability; out-of-stock listings lose rank quickly.'],
};

const shopee: RulePack = {
  marketplace: 'shopee',
  channel: 'Shopee',
  platforms: ['shopee'],
  promotionalTerms: promotional,
  rules: [
    titleTooLong({
      source:
        'Shopee Seller Education Hub, product name limit (120 characters in Shopee Brasil; 100 is the listing-quality recommendation) — https://seller.shopee.com.br/edu/article/ ; 100 used here',
      thresholds: { maxChars: 100 },
    }),
    titleTooShort({
      source: 'Shopee Seller Education Hub, listing quality ("product name of 25 to 100 characters" per our reading) — https://seller.shopee.com.br/edu/ ',
      thresholds: { minChars: 25 },
    }),
    titlePromotional({
      source: 'Shopee Listing Policy: no misleading keywords or keyword stuffing in product names — https://help.shopee.com.br/ (Políticas de anúncio)',
    }),
    tooFewImages({
      source: 'Shopee Seller Education Hub, listing quality (up to 9 images; at least 3 recommended) — https://seller.shopee.com.br/edu/',
      thresholds: { minImages: 3 },
    }),
    noVideo({
      source: 'Shopee Seller Education Hub: a product video improves listing quality and exposure — https://seller.shopee.com.br/edu/',
      priority: 'medium',
      weight: 0.6,
    }),
    missingAttributes({
      source:
        'Shopee listing quality: category, attributes ("especificações") and a description (100-character minimum is a Nexo default) — https://seller.shopee.com.br/edu/',
    }),
    priceAboveMedian({ source: `${NEXO}: 25 % above the median of comparable items (Shopee search favours competitive prices)` }),
    ...operations({
      cancellation:
        'Shopee Seller Penalty Points, non-fulfilment rate (penalty above 10 %) — https://help.shopee.com.br/ (Programa de pontos de penalidade); Nexo counts every cancelled order',
      cancellationRatePct: 10,
    }),
  ],
  bestPractices: [
    'Product name 25-100 characters with brand, type and key attributes.',
    'At least 3 (up to 9) square images and a short video.',
    'Use flash sales and vouchers rather than promotional words in the title.',
  ],
  algorithmNotes: ['Shopee ranks by relevance, sales, ratings and listing quality; videos and complete attributes raise the quality score.'],
};

const mercadolivre: RulePack = {
  marketplace: 'mercadolivre',
  channel: 'Mercado Livre',
  platforms: ['mercadolivre'],
  promotionalTerms: promotional,
  rules: [
    titleTooLong({
      source:
        'Mercado Livre, "Como criar um bom título" (at most 60 characters) — https://www.mercadolivre.com.br/ajuda/ (Central de Vendedores: Anúncios de qualidade)',
      thresholds: { maxChars: 60 },
    }),
    titleTooShort({ source: `${NEXO}: 25 characters (Mercado Livre asks for product, brand, model and key attribute)`, thresholds: { minChars: 25 } }),
    titlePromotional({
      source:
        'Mercado Livre, "Como criar um bom título": do not include shipping, stock, discounts or other conditions in the title — https://www.mercadolivre.com.br/ajuda/',
    }),
    tooFewImages({
      source:
        'Mercado Livre, "Anúncios de qualidade" / photo guidelines (several photos on a white background; quality level rises with more) — https://www.mercadolivre.com.br/ajuda/ ; 3 is a Nexo default',
      thresholds: { minImages: 3 },
    }),
    noVideo({ source: 'Mercado Livre Clips: short videos on listings (recommended, not required) — https://www.mercadolivre.com.br/ajuda/' }),
    missingAttributes({
      source: 'Mercado Livre, "Anúncios de qualidade": complete the technical sheet (ficha técnica) and description — https://www.mercadolivre.com.br/ajuda/',
      category: 'scaling',
    }),
    priceAboveMedian({ source: `${NEXO}: 25 % above the median of comparable items (Mercado Livre shows competitiveness against similar items)` }),
    ...operations({
      cancellation:
        'Mercado Livre reputation thermometer: cancellations by the seller should stay under 2 % (green) — https://www.mercadolivre.com.br/ajuda/ (Reputação); Nexo counts every cancelled order',
      cancellationRatePct: 2,
    }),
  ],
  bestPractices: [
    'Title up to 60 characters: product + brand + model + key attribute.',
    'Complete the technical sheet: it feeds filters and the quality level.',
  ],
  algorithmNotes: ['Listing quality ("qualidade do anúncio"), reputation and sales history drive exposure.'],
};

const tiktokshop: RulePack = {
  marketplace: 'tiktokshop',
  channel: 'TikTok Shop',
  platforms: ['tiktokshop'],
  promotionalTerms: promotional,
  rules: [
    titleTooLong({
      source: 'TikTok Shop Seller Center, product listing requirements (product name 25-255 characters) — https://seller-us.tiktok.com/university/',
      thresholds: { maxChars: 255 },
    }),
    titleTooShort({
      source: 'TikTok Shop Seller Center, product listing requirements (product name 25-255 characters) — https://seller-us.tiktok.com/university/',
      thresholds: { minChars: 25 },
    }),
    titlePromotional({
      source: 'TikTok Shop product listing policy: no promotional or exaggerated claims in product names — https://seller-us.tiktok.com/university/',
    }),
    tooFewImages({
      source: 'TikTok Shop Seller Center: up to 9 images; at least 3 recommended for listing quality — https://seller-us.tiktok.com/university/',
      thresholds: { minImages: 3 },
    }),
    noVideo({
      source:
        'TikTok Shop Seller Center: a product video is recommended (shoppable video is the main discovery surface) — https://seller-us.tiktok.com/university/',
      priority: 'medium',
      weight: 0.7,
      category: 'scaling',
    }),
    missingAttributes({ source: 'TikTok Shop listing quality: category attributes and description — https://seller-us.tiktok.com/university/' }),
    priceAboveMedian({ source: `${NEXO}: 25 % above the median of comparable items` }),
    ...operations({
      cancellation:
        'TikTok Shop Seller Performance, seller-fault cancellation rate (target under 2.5 % per our reading) — https://seller-us.tiktok.com/university/ ; Nexo counts every cancelled order',
      cancellationRatePct: 2.5,
    }),
  ],
  bestPractices: ['Short product video and creator content for every hero product.', 'Product name 25-255 characters, factual.'],
  algorithmNotes: ['Discovery is content-led (videos, LIVE); listings with video and creator content get more traffic.'],
};

const shein: RulePack = {
  marketplace: 'shein',
  channel: 'SHEIN',
  platforms: [],
  promotionalTerms: promotional,
  rules: [
    titleTooLong({ source: `${NEXO}: 150 characters (SHEIN Marketplace seller guidelines; no connector yet)`, thresholds: { maxChars: 150 } }),
    titleTooShort({ source: `${NEXO}: 25 characters`, thresholds: { minChars: 25 } }),
    titlePromotional({ source: 'SHEIN Marketplace seller guidelines: factual product names — https://sellerhub.shein.com/' }),
    tooFewImages({
      source: 'SHEIN Marketplace seller guidelines: several model / detail images per item (4 is a Nexo default) — https://sellerhub.shein.com/',
      thresholds: { minImages: 4 },
    }),
    noVideo({ source: `${NEXO}: video recommended` }),
    missingAttributes({ source: 'SHEIN Marketplace seller guidelines: complete category attributes (size chart, material) — https://sellerhub.shein.com/' }),
    priceAboveMedian({ source: `${NEXO}: 20 % above the median of comparable items (SHEIN buyers are price-driven)`, thresholds: { maxAbovePct: 20 } }),
    ...operations({ cancellation: `${NEXO}: 2.5 % of orders cancelled`, cancellationRatePct: 2.5 }),
  ],
  bestPractices: ['Trend-led assortment; model photos; complete size charts.'],
  algorithmNotes: ['No SHEIN connector yet: the pack is defined but analysis returns nothing.'],
};

const kaway: RulePack = {
  marketplace: 'kaway',
  channel: 'Kaway',
  platforms: ['kaway'],
  promotionalTerms: promotional,
  rules: [
    titleTooLong({ source: `${NEXO}: 150 characters (Kaway publishes no limit; premium listings keep titles clean)`, thresholds: { maxChars: 150 } }),
    titleTooShort({ source: `${NEXO}: 25 characters`, thresholds: { minChars: 25 } }),
    titlePromotional({ source: `${NEXO}: promotional wording undermines premium positioning` }),
    tooFewImages({ source: `${NEXO}: premium positioning calls for rich content, 5 images`, thresholds: { minImages: 5 } }),
    noVideo({ source: `${NEXO}: premium positioning calls for video`, priority: 'medium', weight: 0.6 }),
    missingAttributes({
      source: `${NEXO}: premium positioning calls for a rich description (300 characters) and complete attributes`,
      thresholds: { minDescriptionChars: 300 },
    }),
    priceAboveMedian({ source: `${NEXO}: 40 % above the median of comparable items (premium tolerates a higher price)`, thresholds: { maxAbovePct: 40 } }),
    priceBelowMedian({ source: `${NEXO}: 30 % below the median of comparable items weakens premium positioning` }),
    ...operations({ cancellation: `${NEXO}: 2.5 % of orders cancelled`, cancellationRatePct: 2.5 }),
  ],
  bestPractices: ['Premium positioning: rich content (5+ images, video, long description), exclusive offers rather than discounts.'],
  algorithmNotes: ['Kaway has no API (feeds only): changes are applied through the products feed.'],
};

export const packs: Record<Marketplace, RulePack> = { amazon, shopee, mercadolivre, shein, tiktokshop, kaway };
