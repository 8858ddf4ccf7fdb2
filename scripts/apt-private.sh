# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# apt-private.sh - sourced: a private apt configuration for packages of
# other Debian suites, without touching this machine's apt setup.
#
# apt_private_setup defines APT_OPTS, the apt-get/apt-cache options that
# point apt at $NEURON_CACHE/apt-private: its own sources list, lists
# (Dir::State) and download cache (Dir::Cache), while the host's
# apt.conf.d is still read for the Acquire settings (proxies, snapshot
# validity) its mirror needs.  The sources: every Debian suite this
# machine's sources name (same mirrors, main), plus trixie-backports
# (linux-source-7.3) and the source index of sid (a sparse new enough for
# 7.3) on the bookworm mirror.  The lists are refreshed when older than a
# day; apt_private_update refreshes them on demand (a version vanished).
# The caller defines say() and die().

APT_PRIVATE_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APT_PRIVATE_MAX_AGE_MIN=$((24 * 60))

apt_private_update() {
	local dir=$NEURON_CACHE/apt-private

	(
		flock 7
		say "apt-get update (private lists in $dir)"
		apt-get "${APT_OPTS[@]}" -q update >"$dir/update.log" 2>&1
	) 7>"$dir/.lock" || {
		grep -E '^(E|W):' "$dir/update.log" >&2 || tail -n 20 "$dir/update.log" >&2
		die "apt-get update with the private configuration failed"
	}
	touch "$dir/.updated"
}

apt_private_setup() {
	local dir=$NEURON_CACHE/apt-private site rel bookworm

	[[ -f $APT_PRIVATE_KEYRING ]] ||
		"$(dirname "${BASH_SOURCE[0]}")/deps.sh" --stage apt-private debian-archive-keyring
	mkdir -p "$dir/sources.list.d" "$dir/preferences.d" \
		"$dir/state/lists/partial" "$dir/cache/archives/partial"
	: >"$dir/preferences"
	# shellcheck disable=SC2016 # $(SITE) is apt's, not the shell's
	bookworm=$(apt-get indextargets --format '$(SITE)' \
		'Codename: bookworm' 'Created-By: Packages' 2>/dev/null | head -n 1)
	bookworm=${bookworm:-http://deb.debian.org/debian}
	{
		# shellcheck disable=SC2016
		apt-get indextargets --format '$(SITE) $(RELEASE)' \
			'Created-By: Packages' 'Component: main' 2>/dev/null |
			sort -u | while read -r site rel; do
			echo "deb [signed-by=$APT_PRIVATE_KEYRING] $site $rel main"
		done
		echo "deb [signed-by=$APT_PRIVATE_KEYRING] $bookworm trixie-backports main"
		echo "deb-src [signed-by=$APT_PRIVATE_KEYRING] $bookworm sid main"
	} | awk '!seen[$0]++' >"$dir/sources.list.new.$$"
	if cmp -s "$dir/sources.list.new.$$" "$dir/sources.list"; then
		rm -f "$dir/sources.list.new.$$"
	else
		mv -f "$dir/sources.list.new.$$" "$dir/sources.list"
		rm -f "$dir/.updated"
	fi
	APT_OPTS=(
		-o "Dir::Etc::sourcelist=$dir/sources.list"
		-o "Dir::Etc::sourceparts=$dir/sources.list.d"
		-o "Dir::Etc::preferences=$dir/preferences"
		-o "Dir::Etc::preferencesparts=$dir/preferences.d"
		-o "Dir::State=$dir/state"
		-o "Dir::Cache=$dir/cache"
		# The host's pkgcache settings (e.g. Docker's "none") do not
		# apply here; the binary caches make repeated queries fast.
		-o "Dir::Cache::pkgcache=pkgcache.bin"
		-o "Dir::Cache::srcpkgcache=srcpkgcache.bin"
	)
	if [[ ! -e $dir/.updated ]] ||
	   [[ -n $(find "$dir/.updated" -mmin +$APT_PRIVATE_MAX_AGE_MIN) ]]; then
		apt_private_update
	fi
}
