CREATE TABLE "analysis_plan_tasks" (
	"plan_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"phase" integer NOT NULL,
	"idx" integer NOT NULL,
	"task_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analysis_plan_tasks_plan_id_phase_idx_pk" PRIMARY KEY("plan_id","phase","idx")
);
--> statement-breakpoint
CREATE TABLE "analysis_plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"status" text NOT NULL,
	"channels" jsonb NOT NULL,
	"file_name" text NOT NULL,
	"file_type" text NOT NULL,
	"file_size" integer NOT NULL,
	"content" "bytea" NOT NULL,
	"extracted_text" text,
	"report" jsonb,
	"plan_data" jsonb,
	"mode" text,
	"fallback_reason" text,
	"usage" jsonb,
	"task_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failure_reason" text,
	"rejection_reason" text,
	"analysis_attempts" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"status_changed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "analysis_plans_status_check" CHECK ("analysis_plans"."status" in ('uploaded', 'analyzing', 'ready', 'approved', 'creating_tasks', 'tasks_created', 'rejected', 'failed')),
	CONSTRAINT "analysis_plans_file_type_check" CHECK ("analysis_plans"."file_type" in ('csv', 'xlsx', 'pdf', 'text'))
);
--> statement-breakpoint
CREATE TABLE "job_queue_history" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"plan_id" uuid NOT NULL,
	"job_id" text NOT NULL,
	"status" text NOT NULL,
	"from_status" text,
	"queue_name" text NOT NULL,
	"attempts" integer,
	"error_message" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "analysis_plan_tasks" ADD CONSTRAINT "analysis_plan_tasks_plan_id_analysis_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."analysis_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_queue_history" ADD CONSTRAINT "job_queue_history_plan_id_analysis_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."analysis_plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analysis_plans_org_created_idx" ON "analysis_plans" USING btree ("org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "analysis_plans_status_changed_idx" ON "analysis_plans" USING btree ("status","status_changed_at");--> statement-breakpoint
CREATE INDEX "idx_queue_history_plan" ON "job_queue_history" USING btree ("plan_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_queue_history_status" ON "job_queue_history" USING btree ("status");