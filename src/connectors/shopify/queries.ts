/**
 * The Admin GraphQL documents the Shopify connector sends (API version API_VERSION). Operation
 * names matter: the emulator matches them, and they label the per-operation cost the connector learns.
 */
export const API_VERSION = '2025-01';

const productFields = `
  id title descriptionHtml vendor productType status tags handle onlineStoreUrl createdAt updatedAt
  media(first: 10) { nodes { mediaContentType ... on MediaImage { image { url altText } } } }
  variants(first: $variantsFirst) {
    nodes { id sku title price compareAtPrice inventoryQuantity selectedOptions { name value } inventoryItem { id } }
    pageInfo { hasNextPage }
  }`;

export const SHOP = `query Shop { shop { id name myshopifyDomain currencyCode primaryDomain { url } } }`;

export const PRODUCTS = `query Products($first: Int!, $after: String, $query: String, $variantsFirst: Int!) {
  products(first: $first, after: $after, query: $query, sortKey: ID) {
    nodes { ${productFields} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PRODUCT = `query Product($id: ID!, $variantsFirst: Int!) { product(id: $id) { ${productFields} } }`;

export const PRODUCT_CREATE = `mutation ProductCreate($product: ProductCreateInput!) {
  productCreate(product: $product) { product { id handle } userErrors { field message } }
}`;

export const PRODUCT_VARIANTS_BULK_CREATE = `mutation ProductVariantsBulkCreate($productId: ID!, $variants: [ProductVariantsBulkInput!]!, $strategy: ProductVariantsBulkCreateStrategy) {
  productVariantsBulkCreate(productId: $productId, variants: $variants, strategy: $strategy) { productVariants { id sku } userErrors { field message } }
}`;

export const PRODUCT_UPDATE = `mutation ProductUpdate($product: ProductUpdateInput!) {
  productUpdate(product: $product) { product { id } userErrors { field message } }
}`;

export const PRODUCT_DELETE = `mutation ProductDelete($input: ProductDeleteInput!) {
  productDelete(input: $input) { deletedProductId userErrors { field message } }
}`;

export const PRODUCT_VARIANTS_BULK_UPDATE = `mutation ProductVariantsBulkUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) { productVariants { id price } userErrors { field message } }
}`;

export const INVENTORY_SET_QUANTITIES = `mutation InventorySetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { reason changes { name delta } } userErrors { field message code } }
}`;

export const INVENTORY_LEVELS = `query InventoryLevels($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on InventoryItem { id sku inventoryLevels(first: 10) { nodes { location { id } quantities(names: ["available"]) { name quantity } } } }
  }
}`;

export const ORDERS = `query Orders($first: Int!, $after: String, $query: String, $linesFirst: Int!, $sortKey: OrderSortKeys) {
  orders(first: $first, after: $after, query: $query, sortKey: $sortKey) {
    nodes {
      id name email createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus currencyCode
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: $linesFirst) { nodes { id sku title quantity variant { id } originalUnitPriceSet { shopMoney { amount currencyCode } } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const orderFields = `
  id name email createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus currencyCode
  subtotalPriceSet { shopMoney { amount currencyCode } }
  totalPriceSet { shopMoney { amount currencyCode } }
  lineItems(first: $linesFirst) { nodes { id sku title quantity variant { id } originalUnitPriceSet { shopMoney { amount currencyCode } } } }`;

export const ORDER = `query Order($id: ID!, $linesFirst: Int!) { order(id: $id) { ${orderFields} } }`;

export const ORDER_FULFILLMENT_ORDERS = `query OrderFulfillmentOrders($id: ID!) {
  order(id: $id) { id fulfillmentOrders(first: 5) { nodes { id status } } }
}`;

export const FULFILLMENT_CREATE = `mutation FulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
  fulfillmentCreate(fulfillment: $fulfillment, message: $message) { fulfillment { id status } userErrors { field message } }
}`;

export const WEBHOOK_SUBSCRIPTION_CREATE = `mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id topic } userErrors { field message } }
}`;

export const BULK_OPERATION_RUN_QUERY = `mutation BulkOperationRunQuery($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message } }
}`;

/** The query a bulk export runs (no variables allowed; connections need no `first`). */
export const BULK_PRODUCTS_QUERY = `{ products { edges { node {
  id title descriptionHtml vendor productType status tags handle onlineStoreUrl createdAt updatedAt
  variants { edges { node { id sku title price compareAtPrice inventoryQuantity selectedOptions { name value } inventoryItem { id } } } }
} } } }`;

export const CURRENT_BULK_OPERATION = `query CurrentBulkOperation { currentBulkOperation { id status errorCode objectCount url createdAt completedAt } }`;

/** Requested-cost estimates before the connector has seen Shopify's own figure (same rule: connections 2 + first × node). */
export const estimateCost = {
  Products: (first: number, variantsFirst: number) => 2 + first * (3 + variantsFirst),
  Product: (variantsFirst: number) => 3 + variantsFirst,
  Orders: (first: number, linesFirst: number) => 2 + first * (3 + linesFirst),
  InventoryLevels: (ids: number) => 1 + ids * 3,
  mutation: 10,
  query: 1,
};

/** The shop's primary location (`location` without an id). */
export const PRIMARY_LOCATION = `query PrimaryLocation { location { id name } }`;
