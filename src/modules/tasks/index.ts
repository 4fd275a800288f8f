/** Task orchestration (seed 000): the task lifecycle, approvals, stats and metrics. */
export { type IdempotentResult, withIdempotency } from './idempotency.service.ts';
export { countCreatedToday, creatorTaskFigures, pendingTaskIds, rejectionsByRule, takenDedupeKeys } from './task-agent-facts.service.ts';
export { timeAccuracy } from './task-mapping.ts';
export { agentsLastTaskAt, countAwaitingApproval, staleUndecidedTasks } from './task-signals.service.ts';
export { dailyStats, localDate, statsTrend, taskCountsByStatus, taskMetrics } from './task-stats.service.ts';
export { allowedEdges, canTransition, type TaskAction, taskTransitions } from './task-transitions.ts';
export { overdueApprovalsByOrg, silentAgents } from './task-watch.service.ts';
export { approveTasks, assignTask, completeTask, returnTask, submitTasks } from './task-workflow.service.ts';
export { batchTasksForApproval, createTask, dedupeKeyFor, getTask, listTasks } from './tasks.service.ts';
