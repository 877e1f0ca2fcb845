local ids = {}
for line in io.lines("/tmp/drain/lists/post-thread-ids.txt") do ids[#ids + 1] = line end
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"body":"Thank you for sharing this. In our union we tried the same approach with the shop stewards and it worked well."}'
request = function()
  return wrk.format(nil, "/api/v1/threads/" .. ids[math.random(#ids)] .. "/posts")
end
