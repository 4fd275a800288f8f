-- q= on the newest-first list walks (org_id, created_at DESC, id DESC) and tests search_text on each row
-- until a page of matches is found. Carrying search_text in that index (INCLUDE) lets the walk test it
-- on the index tuple (an index-only scan, no heap visit per rejected row); listTasks selects the page's
-- ids that way and then fetches the rows. Same name and key columns as the schema's index.
DROP INDEX IF EXISTS "marketplace_tasks_org_created_idx";--> statement-breakpoint
CREATE INDEX "marketplace_tasks_org_created_idx" ON "marketplace_tasks" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST) INCLUDE ("search_text");
