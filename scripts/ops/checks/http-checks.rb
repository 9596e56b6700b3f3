# The HTTP checks of a blue/green release, run by a Job in the app's namespace with the app's own
# image (whose Ruby runs it): each path is requested from the ingress controller with the preview
# host's name, as a visitor's request reaches it once the load balancer has ended TLS, and its
# status is compared with the one expected. Redirects are not followed. Exits 1 when any differs.
#
#   ruby http-checks.rb <entry URL> <host> <path> <status> [<path> <status> ...]
require "net/http"
require "uri"

entry = URI(ARGV.shift.to_s)
host = ARGV.shift.to_s
checks = ARGV.each_slice(2).to_a
failed = 0
checks.each do |path, want|
  url = "https://#{host}#{path}"
  begin
    http = Net::HTTP.new(entry.host, entry.port)
    http.open_timeout = 5
    http.read_timeout = 15
    answer = http.request(Net::HTTP::Get.new(path, { "Host" => host, "X-Forwarded-Proto" => "https" }))
    ok = answer.code == want
    puts "#{ok ? "pass" : "FAIL"} GET #{url}: #{answer.code} (expected #{want})"
  rescue StandardError => e
    ok = false
    puts "FAIL GET #{url}: #{e.class}: #{e.message} (expected #{want})"
  end
  failed += 1 unless ok
end
puts "#{checks.length - failed} of #{checks.length} checks passed"
$stdout.flush
exit(failed.zero? ? 0 : 1)
