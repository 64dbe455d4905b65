"""Study plans: skill tree, curriculum data, the scheduler, request → plan, chat requests, notes, exports."""
