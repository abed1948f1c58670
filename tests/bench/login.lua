-- POST the facilitator's credentials (a correct password: argon2id verifies every time).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"email":"facilitator@seed.example","password":"seeded accounts share this password"}'
