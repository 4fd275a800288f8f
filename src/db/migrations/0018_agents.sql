CREATE TABLE "agent_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"agent_id" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"proposals_found" integer DEFAULT 0 NOT NULL,
	"tasks_created" integer DEFAULT 0 NOT NULL,
	"skipped_duplicate" integer DEFAULT 0 NOT NULL,
	"skipped_rejected" integer DEFAULT 0 NOT NULL,
	"skipped_over_cap" integer DEFAULT 0 NOT NULL,
	"skipped_low_impact" integer DEFAULT 0 NOT NULL,
	"rule_hits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"task_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mode" text DEFAULT 'rules' NOT NULL,
	"fallback_reason" text,
	"llm_prompt_tokens" integer,
	"llm_completion_tokens" integer,
	"llm_cost_usd" numeric(12, 6),
	"context" jsonb,
	"error" text,
	CONSTRAINT "agent_runs_trigger_check" CHECK ("agent_runs"."trigger" in ('manual', 'schedule', 'daily')),
	CONSTRAINT "agent_runs_status_check" CHECK ("agent_runs"."status" in ('running', 'succeeded', 'failed', 'skipped')),
	CONSTRAINT "agent_runs_mode_check" CHECK ("agent_runs"."mode" in ('rules', 'llm'))
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"org_id" uuid NOT NULL,
	"agent_id" text NOT NULL,
	"marketplace" text,
	"name" text NOT NULL,
	"focus" text NOT NULL,
	"categories" jsonb NOT NULL,
	"frequency" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"schedule" text,
	"settings" jsonb NOT NULL,
	"knowledge" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "agents_org_id_agent_id_pk" PRIMARY KEY("org_id","agent_id"),
	CONSTRAINT "agents_frequency_check" CHECK ("agents"."frequency" in ('continuous', 'daily'))
);
--> statement-breakpoint
CREATE INDEX "agent_runs_org_agent_started_idx" ON "agent_runs" USING btree ("org_id","agent_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "agent_runs_org_started_idx" ON "agent_runs" USING btree ("org_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "agent_runs_one_running_idx" ON "agent_runs" USING btree ("org_id","agent_id") WHERE "agent_runs"."status" = 'running';