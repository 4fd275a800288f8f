import { describe, expect, it } from 'vitest';
import { timelineAction, timelineDetails } from './task-timeline.ts';
import { type Batches, compareForReview, readConflicts, type Task, taskSearch, withoutTasks } from './tasks-api.ts';

const task = (id: string, over: Partial<Task> = {}): Task => ({
  id,
  marketplace: 'amazon',
  createdBy: 'marketplace-amazon',
  title: id,
  description: id,
  category: 'optimization',
  status: 'awaiting_approval',
  priority: 'medium',
  createdAt: '2026-01-01T00:00:00Z',
  estimatedHours: 1,
  version: 1,
  ...over,
});

describe('tasks api helpers', () => {
  it('builds the list query string (lists as CSV, blanks left out)', () => {
    expect(taskSearch({ status: ['approved', 'in_progress'], q: '  flash ', marketplace: [], assignedTo: 'me', sort: 'priority' }, 'c1', 10)).toBe(
      'status=approved%2Cin_progress&q=flash&assignedTo=me&sort=priority&cursor=c1&limit=10',
    );
  });

  it('removes tasks from the cached queue, groups and counts included', () => {
    const batches: Batches = {
      tasks: [task('a'), task('b'), task('c', { marketplace: 'shopee' })],
      grouped: { amazon: [task('a'), task('b')], shopee: [task('c', { marketplace: 'shopee' })] },
      total: 3,
      readyForApproval: true,
    };
    const next = withoutTasks(batches, new Set(['a', 'c']));
    expect(next.tasks.map((t) => t.id)).toEqual(['b']);
    expect(Object.keys(next.grouped)).toEqual(['amazon']);
    expect(next.total).toBe(1);
    expect(withoutTasks(next, new Set(['b'])).readyForApproval).toBe(false);
  });

  it('reads the conflicts of a 409 and ignores anything else', () => {
    expect(readConflicts({ conflicts: [{ taskId: 'x', status: 'approved' }, { nope: 1 }] })).toEqual([{ taskId: 'x', status: 'approved' }]);
    expect(readConflicts({ currentStatus: 'approved' })).toEqual([]);
    expect(readConflicts(null)).toEqual([]);
  });

  it('orders the queue by priority, then oldest submission', () => {
    const list = [
      task('low', { priority: 'low' }),
      task('new', { priority: 'high', submittedAt: '2026-01-02T00:00:00Z' }),
      task('old', { priority: 'high', submittedAt: '2026-01-01T00:00:00Z' }),
    ];
    expect(list.sort(compareForReview).map((t) => t.id)).toEqual(['old', 'new', 'low']);
  });

  it('names timeline actions and picks the details worth showing', () => {
    expect(timelineAction('task.approved')).toBe('approved');
    expect(timelineAction('tasks.return')).toBe('returned');
    expect(timelineAction('task.something')).toBeNull();
    expect(timelineDetails({ before: { status: 'in_progress' }, after: { status: 'pending', reason: 'blocked' } })).toEqual([
      { key: 'reason', value: 'blocked' },
    ]);
    expect(timelineDetails(null)).toEqual([]);
  });
});
