-- POST a new idea on one published challenge, as one innovator.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"title":"Cargo-bike pick-up","summary":"Bulky waste collected by bike.","description":"A benchmark idea.","sdgs":[11]}'
