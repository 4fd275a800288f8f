-- q= now searches the stored, lower-cased search_text column (see 0012): one trigram index on it
-- replaces the two on title and description.
DROP INDEX IF EXISTS "marketplace_tasks_title_trgm_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "marketplace_tasks_description_trgm_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "marketplace_tasks_search_trgm_idx" ON "marketplace_tasks" USING gin ("search_text" gin_trgm_ops);
