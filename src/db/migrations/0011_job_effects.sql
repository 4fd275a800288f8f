CREATE TABLE "job_effects" (
	"key" text PRIMARY KEY NOT NULL,
	"job_name" text NOT NULL,
	"job_id" text,
	"org_id" uuid,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "job_effects_created_idx" ON "job_effects" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "job_effects_org_idx" ON "job_effects" USING btree ("org_id","created_at");