import { amazonDemoShop } from './amazon/amazon-demo.ts';
import type { DemoShop } from './demo-shop.ts';
import { kawayDemoShop } from './kaway/kaway-demo.ts';
import { mercadoLivreDemoShop } from './mercadolivre/mercadolivre-demo.ts';
import { shopeeDemoShop } from './shopee/shopee-demo.ts';
import { shopifyDemoShop } from './shopify/shopify-demo.ts';
import { tiktokShopDemoShop } from './tiktokshop/tiktokshop-demo.ts';

/** One emulated store per channel the emulator plays, connected to the demo org (add a channel here: one line). */
export const demoShops: readonly DemoShop[] = [shopifyDemoShop, mercadoLivreDemoShop, amazonDemoShop, shopeeDemoShop, tiktokShopDemoShop, kawayDemoShop];
