import type { Dictionary } from './types.ts';

/** Português do Brasil. Uma chave faltando, sobrando ou sem o mesmo `{placeholder}` é erro de compilação. */
export const ptBR = {
  'app.name': 'Nexo',
  'app.tagline': 'Orquestração de marketplaces',
  'app.skipToContent': 'Pular para o conteúdo',

  'nav.label': 'Navegação principal',
  'nav.section.overview': 'Visão geral',
  'nav.section.operations': 'Operações',
  'nav.section.commerce': 'Comércio',
  'nav.section.system': 'Sistema',
  'nav.dashboard': 'Painel',
  'nav.tasks': 'Tarefas',
  'nav.plans': 'Planos',
  'nav.agents': 'Agentes',
  'nav.jobs': 'Jobs',
  'nav.stores': 'Lojas',
  'nav.catalog': 'Catálogo',
  'nav.inventory': 'Estoque',
  'nav.orders': 'Pedidos',
  'nav.analytics': 'Análises',
  'nav.health': 'Saúde',
  'nav.settings': 'Configurações',
  'nav.system': 'Status do sistema',
  'nav.openMenu': 'Abrir navegação',
  'nav.closeMenu': 'Fechar navegação',

  'area.tasks.description':
    'Revise as tarefas propostas pelos agentes de marketplace, aprove ou rejeite em lote, atribua responsáveis e acompanhe até a conclusão.',
  'area.plans.description':
    'Envie relatórios dos marketplaces e receba um plano de análise por canal; ao aprovar o plano, as primeiras tarefas entram na fila.',
  'area.agents.description':
    'O agente mestre Nexo e os agentes de canal: seus tokens de acesso, os marketplaces que cobrem e o que já propuseram.',
  'area.jobs.description':
    'A fila durável de jobs: cada execução com suas tentativas, logs, novas tentativas e mensagens mortas, por loja.',
  'area.stores.description':
    'Conecte suas lojas nos marketplaces e veja os recursos, limites de requisição e a saúde de cada conector.',
  'area.catalog.description':
    'Um catálogo mestre de produtos, variações e anúncios, com origem de cada campo, resolução de conflitos e políticas de aprovação.',
  'area.inventory.description':
    'Estoque central para todos os canais, com alocações, reservas e proteção contra venda acima do estoque.',
  'area.orders.description':
    'Uma central única de pedidos de todos os canais, com roteamento do atendimento para o local ou parceiro certo.',
  'area.analytics.description':
    'Vendas entre canais, estatísticas diárias de tarefas e atribuição de cada pedido ao canal que o gerou.',
  'area.health.description':
    'Diagnóstico operacional: jobs travados, circuit breakers abertos, erros de conectores e os alertas que eles geraram.',
  'area.settings.description':
    'Sua organização, membros e papéis, tokens de API, políticas de aprovação e canais de notificação.',

  'comingSoon.badge': 'Em breve',
  'comingSoon.body':
    'Esta área ainda não foi construída. Nada aqui é simulado: ela aparecerá quando funcionar de ponta a ponta.',
  'comingSoon.checkSystem': 'Ver status do sistema',

  'dashboard.title': 'Painel',
  'dashboard.subtitle': 'Seus marketplaces, tarefas e operações em um só lugar.',
  'dashboard.welcome.title': 'Boas-vindas ao Nexo',
  'dashboard.welcome.body':
    'O Nexo orquestra as equipes e os agentes que vendem em vários marketplaces ao mesmo tempo: um catálogo, uma central de pedidos, estoque centralizado e um fluxo de tarefas com governança. Este painel cresce a cada área entregue.',
  'dashboard.welcome.cta': 'Abrir status do sistema',
  'dashboard.areas.title': 'Áreas',
  'dashboard.areas.subtitle': 'O que cada parte do Nexo vai fazer.',
  'dashboard.areas.available': 'Disponível',

  'system.title': 'Status do sistema',
  'system.subtitle': 'Prontidão deste processo do Nexo e seu fluxo de eventos ao vivo.',
  'system.readiness.title': 'Prontidão',
  'system.readiness.description': 'Verificações de dependências do /readyz, atualizadas a cada 5 segundos.',
  'system.readiness.ready': 'Pronto',
  'system.readiness.unavailable': 'Indisponível',
  'system.readiness.checking': 'Verificando…',
  'system.readiness.unreachable': 'Inacessível',
  'system.readiness.latency': '{ms} ms',
  'system.readiness.updated': 'Atualizado às {time}',
  'system.check.database': 'Banco de dados',
  'system.check.queue': 'Fila de jobs',
  'system.info.title': 'Este processo',
  'system.info.description': 'Dados de /api/system/info.',
  'system.info.version': 'Versão',
  'system.info.mode': 'Modo',
  'system.info.mode.embedded': 'Embutido',
  'system.info.mode.server': 'Servidor',
  'system.info.database': 'Banco de dados',
  'system.info.database.pglite': 'PGlite (embutido)',
  'system.info.database.postgres': 'PostgreSQL',
  'system.info.node': 'Node.js',
  'system.info.uptime': 'Tempo no ar',
  'system.info.workers': 'Workers',
  'system.info.workers.on': 'Rodando neste processo',
  'system.info.workers.off': 'Fora deste processo',
  'system.events.title': 'Eventos ao vivo',
  'system.events.description': 'Eventos enviados pelo servidor em /api/events, mais recentes primeiro (últimos {max}).',
  'system.events.state.connecting': 'Conectando',
  'system.events.state.live': 'Ao vivo',
  'system.events.state.reconnecting': 'Reconectando',
  'system.events.empty': 'Nenhum evento ainda. Envie um evento de teste para vê-lo chegar pelo fluxo.',
  'system.events.messageLabel': 'Mensagem de teste',
  'system.events.defaultMessage': 'Olá do painel',
  'system.events.send': 'Enviar evento de teste',
  'system.events.sending': 'Enviando…',
  'system.events.sent': 'Aceito como {id}; aguardando sua chegada pelo fluxo.',
  'system.events.clear': 'Limpar lista',

  'error.title': 'Algo deu errado',
  'error.retry': 'Tentar novamente',
  'error.network': 'Não foi possível acessar o servidor do Nexo.',
  'error.http': 'O servidor respondeu {status}.',
  'error.invalidResponse': 'O servidor enviou uma resposta que este painel não entende.',
  'error.requestId': 'Id da requisição: {id}',

  'notFound.title': 'Página não encontrada',
  'notFound.body': 'Não há nada em {path}. A página pode ter mudado de lugar ou o link pode estar errado.',
  'notFound.home': 'Voltar ao painel',

  'theme.label': 'Tema',
  'theme.light': 'Claro',
  'theme.dark': 'Escuro',
  'theme.system': 'Sistema',
  'language.label': 'Idioma',

  'duration.days': '{n} d',
  'duration.hours': '{n} h',
  'duration.minutes': '{n} min',
  'duration.seconds': '{n} s',
} as const satisfies Dictionary;
