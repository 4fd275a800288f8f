import type { Random } from './random.ts';
import type { EmuOrder, EmuProduct, EmuShop, EmuVariant } from './shop-state.ts';

/**
 * Deterministic catalogs and order streams. About one listing in five carries a real-world problem
 * (so the later quality and repricing features have something to find): over-long or very short
 * titles, no images, stale prices, low or zero stock; most have no video.
 */
const categories = [
  {
    type: 'T-Shirt',
    nouns: ['T-Shirt', 'Tee', 'Crew Neck Shirt'],
    materials: ['Organic Cotton', 'Cotton', 'Linen Blend'],
    sizes: ['P', 'M', 'G', 'GG'],
    price: [4990, 12990],
  },
  {
    type: 'Sneakers',
    nouns: ['Sneakers', 'Running Shoes', 'Trainers'],
    materials: ['Mesh', 'Leather', 'Canvas'],
    sizes: ['38', '39', '40', '41', '42'],
    price: [19990, 59990],
  },
  {
    type: 'Backpack',
    nouns: ['Backpack', 'Daypack', 'Laptop Backpack'],
    materials: ['Nylon', 'Recycled Polyester', 'Waxed Canvas'],
    sizes: ['20L', '28L'],
    price: [14990, 39990],
  },
  {
    type: 'Mug',
    nouns: ['Mug', 'Coffee Cup', 'Travel Mug'],
    materials: ['Ceramic', 'Stainless Steel', 'Enamel'],
    sizes: ['300ml', '450ml'],
    price: [2990, 8990],
  },
  {
    type: 'Headphones',
    nouns: ['Wireless Headphones', 'Earbuds', 'Over-Ear Headphones'],
    materials: ['Matte', 'Aluminium', 'Soft Touch'],
    sizes: ['Standard'],
    price: [9990, 89990],
  },
  {
    type: 'Phone Case',
    nouns: ['Phone Case', 'Magnetic Case', 'Wallet Case'],
    materials: ['Silicone', 'TPU', 'Vegan Leather'],
    sizes: ['iPhone 15', 'iPhone 16', 'Galaxy S24'],
    price: [3990, 12990],
  },
] as const;
const adjectives = ['Classic', 'Everyday', 'Premium', 'Urban', 'Essential', 'Lightweight', 'Vintage', 'Pro', 'Comfort', 'Eco'];
const colors = ['Black', 'White', 'Navy', 'Olive', 'Sand', 'Red', 'Sky Blue', 'Graphite'];
const vendors = ['Acme Outfitters', 'Nexo Basics', 'Rio Supply Co.', 'Norte Goods', 'Paulista Lab'];
const firstNames = ['ana', 'bruno', 'carla', 'diego', 'elisa', 'felipe', 'gabi', 'hugo', 'iris', 'joao'];

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export interface GeneratorOptions {
  products: number;
  /** ISO time the catalog was "created"; stale prices are a year older. */
  now: Date;
}

export function generateProduct(shop: EmuShop, random: Random, now: Date): EmuProduct {
  const category = random.pick(categories);
  const id = shop.nextId();
  const adjective = random.pick(adjectives);
  const material = random.pick(category.materials);
  const noun = random.pick(category.nouns);
  let title = `${adjective} ${material} ${noun}`;
  const problem = random.next();
  if (problem < 0.06) title = `${title} ${'Best Seller Free Shipping Gift Idea Unisex Men Women Kids Summer Winter '.repeat(3)}`.trim();
  else if (problem < 0.1) title = noun;
  const hasImages = !random.chance(0.12);
  const staleOrLow = random.next();
  const priceUpdatedAt = staleOrLow < 0.08 ? new Date(now.getTime() - 400 * 86_400_000).toISOString() : now.toISOString();
  const basePrice = Math.round(random.int(category.price[0], category.price[1]) / 100) * 100 - 10;
  const productColors = [random.pick(colors), random.pick(colors)].filter((c, i, all) => all.indexOf(c) === i);
  const sizes = category.sizes.slice(0, random.int(1, category.sizes.length));
  const variants: EmuVariant[] = [];
  for (const color of productColors) {
    for (const size of sizes) {
      const variantId = shop.nextId();
      const inventoryItemId = shop.nextId();
      variants.push({
        id: variantId,
        productId: id,
        sku: `${slug(category.type).slice(0, 4).toUpperCase()}-${id}-${slug(color).slice(0, 3).toUpperCase()}-${slug(size).toUpperCase()}`,
        title: `${color} / ${size}`,
        priceMinor: basePrice,
        compareAtMinor: random.chance(0.2) ? basePrice + 2000 : null,
        options: { Color: color, Size: size },
        inventoryItemId,
        priceUpdatedAt,
      });
      shop.stock.set(inventoryItemId, staleOrLow > 0.85 ? random.int(0, 3) : random.int(5, 250));
    }
  }
  const handle = `${slug(title).slice(0, 60)}-${id}`;
  return {
    id,
    title,
    description: `<p>${adjective} ${noun.toLowerCase()} in ${material.toLowerCase()}. Designed for daily use.</p>`,
    vendor: random.pick(vendors),
    productType: category.type,
    status: random.chance(0.05) ? 'draft' : 'active',
    tags: [slug(category.type), slug(material), ...(random.chance(0.3) ? ['sale'] : [])],
    handle,
    images: hasImages
      ? Array.from({ length: random.int(1, 4) }, (_, i) => ({
          url: `https://cdn.emulator.invalid/${shop.shop}/${handle}-${i + 1}.jpg`,
          alt: i === 0 ? title : null,
        }))
      : [],
    videos: random.chance(0.1) ? 1 : 0,
    attributes: { material, category: category.type },
    variants,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export function fillCatalog(shop: EmuShop, options: GeneratorOptions): void {
  for (let i = 0; i < options.products; i++) {
    const product = generateProduct(shop, shop.random, options.now);
    shop.products.set(product.id, product);
  }
}

/** One order over 1-3 active variants with stock; decrements stock. Null when nothing is sellable. */
export function generateOrder(shop: EmuShop, now: Date): EmuOrder | null {
  const sellable = [...shop.products.values()].filter((p) => p.status === 'active').flatMap((p) => p.variants.map((v) => ({ p, v })));
  const inStock = sellable.filter(({ v }) => (shop.stock.get(v.inventoryItemId) ?? 0) > 0);
  if (inStock.length === 0) return null;
  const random = shop.random;
  const lines = [];
  const count = random.int(1, Math.min(3, inStock.length));
  const used = new Set<number>();
  for (let i = 0; i < count; i++) {
    const { p, v } = random.pick(inStock);
    if (used.has(v.id)) continue;
    used.add(v.id);
    const available = shop.stock.get(v.inventoryItemId) ?? 0;
    const quantity = Math.min(available, random.int(1, 2));
    shop.stock.set(v.inventoryItemId, available - quantity);
    lines.push({ id: shop.nextId(), variantId: v.id, sku: v.sku, title: `${p.title} - ${v.title}`, quantity, unitMinor: v.priceMinor });
  }
  const at = now.toISOString();
  const order: EmuOrder = {
    id: shop.nextId(),
    number: shop.nextOrderNumber(),
    email: `${random.pick(firstNames)}.${random.int(1, 999)}@example.com`,
    currency: shop.currency,
    financialStatus: random.chance(0.9) ? 'paid' : 'pending',
    fulfillmentStatus: 'unfulfilled',
    fulfillmentOrderId: shop.nextId(),
    fulfillments: [],
    cancelledAt: null,
    lines,
    createdAt: at,
    updatedAt: at,
  };
  shop.orders.set(order.id, order);
  return order;
}
