-- POST a question on one published challenge, as one innovator.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"text":"May the test run through the winter?"}'
