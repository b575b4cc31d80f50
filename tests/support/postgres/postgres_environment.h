// GoogleTest glue for the PostgreSQL harness: one cluster per test binary (a global Environment,
// torn down by gtest even when tests fail) and a fixture that gives each test its own migrated
// database. Tests run on gtest's main thread; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "postgres/postgres_cluster.h"

namespace orderops::testing {

class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto cluster = PostgresCluster::start();
    ASSERT_TRUE(cluster.has_value()) << cluster.error().to_string();
    cluster_ = std::move(*cluster);
    current() = cluster_.get();
  }
  void TearDown() override {
    current() = nullptr;
    cluster_.reset();
  }
  // The running cluster, or nullptr when SetUp failed.
  static PostgresCluster* cluster() { return current(); }

 private:
  // gtest environments are process-wide by design; this pointer mirrors the one gtest owns.
  static PostgresCluster*& current() {
    static PostgresCluster* p = nullptr;
    return p;
  }
  std::unique_ptr<PostgresCluster> cluster_;
};

// Registers the environment once per binary: put ORDEROPS_POSTGRES_ENVIRONMENT(); in one .cpp.
#define ORDEROPS_POSTGRES_ENVIRONMENT()                                                  \
  [[maybe_unused]] static ::testing::Environment* const orderops_postgres_environment_ = \
      ::testing::AddGlobalTestEnvironment(new ::orderops::testing::PostgresEnvironment)

// Each test gets a fresh database (t1, t2, ...), with the OrderOps schema unless
// migrate_database() says otherwise.
class PostgresTest : public ::testing::Test {
 protected:
  virtual bool migrate_database() const { return true; }

  void SetUp() override {
    cluster_ = PostgresEnvironment::cluster();
    ASSERT_NE(cluster_, nullptr) << "PostgreSQL harness did not start";
    auto url = cluster_->create_database({}, migrate_database());
    ASSERT_TRUE(url.has_value()) << url.error().to_string();
    url_ = *url;
  }

  PostgresCluster& cluster() { return *cluster_; }
  const std::string& url() const { return url_; }
  // SQL as superuser on this test's database; fails the test on error.
  std::string sql(const std::string& text) {
    auto r = cluster_->exec(database(), text);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().to_string()) << "\nSQL: " << text;
    return r.value_or("");
  }
  std::string database() const { return url_.substr(url_.rfind('/') + 1); }

 private:
  PostgresCluster* cluster_ = nullptr;
  std::string url_;
};

}  // namespace orderops::testing
