/**
 * English messages: the source of truth for message keys and their `{placeholders}`.
 * Every other dictionary must have exactly these keys (checked by the compiler, see types.ts).
 */
export const en = {
  'app.name': 'Nexo',
  'app.tagline': 'Marketplace orchestration',
  'app.skipToContent': 'Skip to content',

  'nav.label': 'Main navigation',
  'nav.section.overview': 'Overview',
  'nav.section.operations': 'Operations',
  'nav.section.commerce': 'Commerce',
  'nav.section.system': 'System',
  'nav.dashboard': 'Dashboard',
  'nav.tasks': 'Tasks',
  'nav.plans': 'Plans',
  'nav.agents': 'Agents',
  'nav.jobs': 'Jobs',
  'nav.stores': 'Stores',
  'nav.catalog': 'Catalog',
  'nav.inventory': 'Inventory',
  'nav.orders': 'Orders',
  'nav.analytics': 'Analytics',
  'nav.health': 'Health',
  'nav.settings': 'Settings',
  'nav.system': 'System status',
  'nav.openMenu': 'Open navigation',
  'nav.closeMenu': 'Close navigation',

  'area.tasks.description':
    'Review the tasks the marketplace agents propose, approve or reject them in batches, assign them and follow them to completion.',
  'area.plans.description':
    'Upload marketplace reports to get an analysis plan per channel; approving a plan queues its first tasks.',
  'area.agents.description':
    'The master Nexo agent and the channel agents: their access tokens, the marketplaces they cover and what they have proposed.',
  'area.jobs.description':
    'The durable job queue: every run with its attempts, logs, retries and dead letters, per store.',
  'area.stores.description':
    'Connect your marketplace stores and see each connector’s capabilities, rate limits and health.',
  'area.catalog.description':
    'One master catalog of products, variants and listings, with field provenance, conflict resolution and approval policies.',
  'area.inventory.description':
    'Central stock across every channel, with allocations, reservations and oversell protection.',
  'area.orders.description':
    'A unified order book from every channel, with fulfillment routing to the right location or partner.',
  'area.analytics.description':
    'Cross-channel sales, daily task statistics and attribution of orders to the channels that earned them.',
  'area.health.description':
    'Operational diagnostics: stuck jobs, open circuit breakers, connector errors and the alerts they raised.',
  'area.settings.description':
    'Your organization, members and roles, API tokens, approval policies and notification channels.',

  'comingSoon.badge': 'Coming soon',
  'comingSoon.body': 'This area is not built yet. Nothing here is simulated: it will appear once it works end to end.',
  'comingSoon.checkSystem': 'Check system status',

  'dashboard.title': 'Dashboard',
  'dashboard.subtitle': 'Your marketplaces, tasks and operations in one place.',
  'dashboard.welcome.title': 'Welcome to Nexo',
  'dashboard.welcome.body':
    'Nexo orchestrates the teams and agents that sell on many marketplaces at once: one catalog, one order book, central inventory and a governed task loop. This dashboard grows as each area ships.',
  'dashboard.welcome.cta': 'Open system status',
  'dashboard.areas.title': 'Areas',
  'dashboard.areas.subtitle': 'What each part of Nexo will do.',
  'dashboard.areas.available': 'Available',

  'system.title': 'System status',
  'system.subtitle': 'Readiness of this Nexo process and its live event stream.',
  'system.readiness.title': 'Readiness',
  'system.readiness.description': 'Dependency checks from /readyz, refreshed every 5 seconds.',
  'system.readiness.ready': 'Ready',
  'system.readiness.unavailable': 'Unavailable',
  'system.readiness.checking': 'Checking…',
  'system.readiness.unreachable': 'Unreachable',
  'system.readiness.latency': '{ms} ms',
  'system.readiness.updated': 'Updated {time}',
  'system.check.database': 'Database',
  'system.check.queue': 'Job queue',
  'system.info.title': 'This process',
  'system.info.description': 'From /api/system/info.',
  'system.info.version': 'Version',
  'system.info.mode': 'Mode',
  'system.info.mode.embedded': 'Embedded',
  'system.info.mode.server': 'Server',
  'system.info.database': 'Database',
  'system.info.database.pglite': 'PGlite (embedded)',
  'system.info.database.postgres': 'PostgreSQL',
  'system.info.node': 'Node.js',
  'system.info.uptime': 'Uptime',
  'system.info.workers': 'Workers',
  'system.info.workers.on': 'Running in this process',
  'system.info.workers.off': 'Not in this process',
  'system.events.title': 'Live events',
  'system.events.description': 'Server-sent events from /api/events, newest first (last {max}).',
  'system.events.state.connecting': 'Connecting',
  'system.events.state.live': 'Live',
  'system.events.state.reconnecting': 'Reconnecting',
  'system.events.empty': 'No events yet. Send a test event to see one arrive over the stream.',
  'system.events.messageLabel': 'Test message',
  'system.events.defaultMessage': 'Hello from the dashboard',
  'system.events.send': 'Send test event',
  'system.events.sending': 'Sending…',
  'system.events.sent': 'Accepted as {id}; waiting for it on the stream.',
  'system.events.clear': 'Clear list',

  'error.title': 'Something went wrong',
  'error.retry': 'Try again',
  'error.network': 'Could not reach the Nexo server.',
  'error.http': 'The server answered {status}.',
  'error.invalidResponse': 'The server sent a response this dashboard does not understand.',
  'error.requestId': 'Request id: {id}',

  'notFound.title': 'Page not found',
  'notFound.body': 'There is nothing at {path}. It may have moved, or the link may be wrong.',
  'notFound.home': 'Back to the dashboard',

  'theme.label': 'Theme',
  'theme.light': 'Light',
  'theme.dark': 'Dark',
  'theme.system': 'System',
  'language.label': 'Language',

  'duration.days': '{n} d',
  'duration.hours': '{n} h',
  'duration.minutes': '{n} min',
  'duration.seconds': '{n} s',
} as const;
